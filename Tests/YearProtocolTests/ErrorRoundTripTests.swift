import Testing
import YearCore
import YearProtocol

/// A client renders the daemon's refusals in its own language by reading the domain error back from the Varlink
/// error's name and parameters: every case must survive the trip.
@Suite("Domain errors survive the wire for the client to render")
struct ErrorRoundTripTests {
    static let samples: [YearError] = [
        .permissionDenied(method: "io.yeard.Approval.Approve", required: [.coordinator], school: "school-1"),
        .permissionDenied(method: "io.yeard.Year.Create", required: [.admin, .coordinator], school: "*"),
        .permissionDenied(method: "io.yeard.Year.Create", required: [.admin], school: nil),
        .schoolNotFound(school: "nowhere"), .yearNotFound(id: 9), .yearExists(school: "s", label: "2026/2027"),
        .transitionNotAllowed(year: "2026/2027", state: .closing, event: .start, allowed: [.reopen]),
        .transitionNotAllowed(year: "2026/2027", state: .closed, event: .reopen, allowed: []),
        .rolloverOnly(event: .close), .guardFailed(event: .start, violations: [Note("reason-required"), Note("b")]),
        .requestNotFound(id: 4), .requestNotPending(id: 4, status: .expired),
        .requestPending(year: "2026/2027", request: 3), .selfApproval(id: 3),
        .yearChanged(id: 3, requestedVersion: 1, currentVersion: 2),
        .payloadMismatch(id: 3, expected: "aa", actual: "bb"), .notRequester(id: 3, requesterUID: 1000),
        .uploadNotFound(id: "u1"),
        .importRefused(
            file: "students.csv",
            problems: [ImportProblem(line: 2, column: 3, field: "birth_date", message: "not a date")], count: 1),
        .importRefused(file: "students.csv", problems: [], count: 0),
        .importRefused(
            file: "students.csv",
            problems: [
                ImportProblem(
                    line: 2, column: 5, field: "birth_date", params: ["code": "date", "got": "31.02.2015"])
            ], count: 1),
        .notReady(
            year: "2026/2027", target: .close, blocking: [ReadinessBlocker(check: "grade.final-missing", count: 3)]),
        .planHasErrors(
            year: "2026/2027",
            errors: [
                Note("over-capacity", ["class": "6А", "students": "31", "capacity": "30"]),
                Note(
                    "no-decision",
                    ["about": "student", "student": "Ёлкина Анна", "student_id": "S1", "from_class": "5А"]),
            ]), .planStale(id: 5, filed: "abc", current: "def"),
        .rolloverChanged(
            rollover: 2, changes: [Note("changed-rows", ["table": "school_class", "year": "2027/2028"]), Note("c")]),
        .internalFailure(reason: "disk full"),
        .invalidParameter(field: "x", reason: "y"),
        .invalid("label", "year-label", ["got": "2026/2028"]),
    ]

    @Test("every domain error reads back as itself, with the same English sentence")
    func roundTrip() {
        for error in Self.samples {
            let wire = VarlinkError(error)
            #expect(YearError(wire) == error, "\(wire.name)")
            #expect(wire.message == error.description)
        }
        // The standard error without yeard's reason (another service's) keeps the daemon's sentence.
        #expect(
            YearError(
                VarlinkError(
                    name: "org.varlink.service.InvalidParameter", parameters: .object(["parameter": .string("x")])))
                == nil)
        #expect(
            YearError.invalid("label", "year-label", ["got": "2026/2028"]).description
                == "invalid parameter 'label': expected two consecutive years like 2026/2027, got '2026/2028'")
    }

    @Test("an unknown error, or parameters of the wrong shape, give nil: the client shows the daemon's sentence")
    func foreign() {
        #expect(YearError(VarlinkError(name: "org.example.Other", parameters: .object([:]))) == nil)
        #expect(
            YearError(
                VarlinkError(name: "io.yeard.Year.TransitionNotAllowed", parameters: .object(["year": .int(1)]))) == nil
        )
        #expect(
            YearError(
                VarlinkError(
                    name: "io.yeard.Approval.RequestNotPending",
                    parameters: .object(["id": .int(1), "status": .string("weird")]))) == nil)
    }
}
