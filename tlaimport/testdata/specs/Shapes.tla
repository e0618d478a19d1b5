---- MODULE Shapes ----
\* TLC's -dumpTrace json shapes for values that are not records or
\* sequences: a function over 0..N-1 (slots), a function keyed by tuples
\* (links), sets (seen, used), a function over strings (tags), and one keyed by
\* tuples of a string and a number (cost).
EXTENDS Naturals, FiniteSets
CONSTANTS N, Nodes
VARIABLES slots, links, seen, used, tags, cost

vars == <<slots, links, seen, used, tags, cost>>

Init == /\ slots = [i \in 0..N-1 |-> 0]
        /\ links = [p \in Nodes \X Nodes |-> FALSE]
        /\ seen = {}
        /\ used = {}
        /\ tags = [t \in {"x", "y"} |-> 0]
        /\ cost = [c \in {"a", "b"} \X {1, 2} |-> 0]

Put(i) == /\ slots[i] < 2
          /\ slots' = [slots EXCEPT ![i] = @ + 1]
          /\ used' = used \cup {<<i, slots[i]>>}
          /\ UNCHANGED <<links, seen, tags, cost>>

Link(a, b) == /\ ~links[<<a, b>>]
              /\ links' = [links EXCEPT ![<<a, b>>] = TRUE]
              /\ seen' = seen \cup {a}
              /\ tags' = [tags EXCEPT !["x"] = @ + 1]
              /\ cost' = [cost EXCEPT ![<<"a", 2>>] = @ + 1]
              /\ UNCHANGED <<slots, used>>

Next == \/ \E i \in 0..N-1 : Put(i)
        \/ \E a, b \in Nodes : Link(a, b)

Spec == Init /\ [][Next]_vars

Small == ~(Cardinality(used) >= 2 /\ seen # {})
====
