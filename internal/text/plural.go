package text

// integer is any integer type: counts come as int, int64 and uint64.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Plural returns one when n is 1 and many otherwise (0 steps, 1 step,
// 2 steps), for messages such as
//
//	fmt.Sprintf("%d %s", n, text.Plural(n, "step", "steps"))
func Plural[N integer](n N, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
