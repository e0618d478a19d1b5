// Package reservations models a reservation service that names its
// reservations itself, with random UUIDs, and tests the real service
// against the model through HTTP.
//
// The model cannot know the service's ids, so it uses references in the
// order reservations are made, r1, r2, ... (model.Ref): Reserve returns
// one, and Get and Cancel take one. When a test runs, the runner of package
// adapters learns the UUID the service returned for each reference, passes
// the UUID to Get and Cancel, and translates the UUIDs in the service's
// view back to r1, r2, ..., so that tests and their failures read as the
// model does. A reference the test never made (r4) reaches the service as
// a UUID it never issued, which it must refuse.
//
// The service has no limit on the number of reservations, but the model
// needs one to be finite: Config.Reservations is a constraint
// (dsl's Constraint), not a guard, so a fourth Reserve is never a step the
// service must refuse, and the state where three were made is no
// deadlock. A limit the service enforces would be a guard instead.
//
// The service, [github.com/mbtgo/mbt/examples/reservations/server], has
// no endpoint for tests: the adapter's Reset cancels every reservation
// through the public API. Its planted bugs (MBT_RESERVATIONS_BUGS) are
// each caught by the generated suite (TestPlantedBugs) and by random walks
// (TestRandomWalks):
//
//	go generate ./examples/reservations
//	go test ./examples/reservations
//	MBT_RESERVATIONS_BUGS=reuseid go test -run '^TestReservations_' ./examples/reservations
package reservations
