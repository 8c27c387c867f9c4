import Foundation
import Testing
import YearCore
import YearProtocol
import YearStore

@testable import YearDaemon

@Suite("Dispatch and permissions")
struct DispatcherTests {
    /// Parameters that pass decoding for each method, so that authorization decides.
    static let parameters: [String: JSONValue] = [
        "org.varlink.service.GetInterfaceDescription": .object(["interface": "io.yeard.Year"]),
        "io.yeard.Year.Get": .object(["id": 1]),
        "io.yeard.Year.Create": .object(["school": "school-a", "label": "2030/2031"]),
        "io.yeard.Approval.Get": .object(["id": 1]),
        "io.yeard.Approval.File": .object(["year": 1, "event": "start"]),
        "io.yeard.Approval.Approve": .object(["id": 1]),
        "io.yeard.Approval.Reject": .object(["id": 1, "reason": "no"]),
        "io.yeard.Approval.Cancel": .object(["id": 1]),
        "io.yeard.Registry.Upload": .object(["data": ""]),
        "io.yeard.Registry.Import": .object([
            "kind": "students", "upload": "none", "fileName": "students.csv", "school": "school-a",
        ]),
        "io.yeard.Registry.Export": .object(["kind": "staff", "school": "school-a"]),
        "io.yeard.Registry.Movement": .object([
            "school": "school-a", "year": "2026/2027", "from": "2026-09-01", "to": "2026-09-30",
        ]),
        "io.yeard.Reports.MovementBook": .object([
            "school": "school-a", "year": "2026/2027", "from": "2026-09-01", "to": "2026-09-30",
        ]),
        // A teacher must name a class they lead; this fixture's teacher leads none.
        "io.yeard.Reports.Consents": .object(["school": "school-a", "class": "5А"]),
        "io.yeard.Registry.Record": .object([
            "school": "school-a", "kind": "consents",
            "values": .object(["person_id": "S1", "person_kind": "student", "signed_on": "2026-08-25"]),
        ]),
        "io.yeard.Registry.UpdateContact": .object([
            "school": "school-a", "studentId": "S1", "guardianId": "G1", "phone": "+7 900 000-00-00",
        ]),
        "io.yeard.Checks.Run": .object(["school": "school-a"]),
        "io.yeard.Rollover.Plan": .object(["school": "school-a"]),
        "io.yeard.Rollover.Map": .object(["school": "school-a", "from": "5А", "to": "6Б"]),
        "io.yeard.Rollover.Request": .object(["school": "school-a"]),
        "io.yeard.Rollover.Undo": .object(["school": "school-a", "reason": "mistake"]),
        "io.yeard.Rollover.List": .object(["school": "school-a"]),
        "io.yeard.Checks.Last": .object(["school": "school-a"]),
        "io.yeard.Checks.Diff": .object(["school": "school-a"]),
        "io.yeard.Checks.Readiness": .object(["school": "school-a", "target": "start"]),
        "io.yeard.Registry.IssueOrder": .object([
            "school": "school-a", "orderNo": "1", "orderDate": "2026-09-01", "kind": "enrollment", "studentId": "S1",
        ]),
    ]

    @Test("every method of the table has a route and every route a method")
    func routesMatchTable() async throws {
        let fixture = try await DaemonFixture()
        #expect(Set(fixture.dispatcher.routes.keys) == Set(YeardAPI.methods.keys))
    }

    @Test(
        "every method x role pair: PermissionDenied exactly when the role is not in the method's set",
        arguments: Role.allCases.map(Optional.some) + [nil])
    func permissionTable(role: Role?) async throws {
        let fixture = try await DaemonFixture()
        let admin = DaemonFixture.caller(.admin)
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": "2026/2027"]), as: admin)
        _ = await fixture.call("io.yeard.Approval.File", .object(["year": 1, "event": "start"]), as: admin)
        let caller = DaemonFixture.caller(role)
        for spec in YeardAPI.methods.values.sorted(by: { $0.fullName < $1.fullName }) {
            let reply = await fixture.call(spec.fullName, Self.parameters[spec.fullName] ?? .object([:]), as: caller)
            let denied = reply?.errorName == "io.yeard.Year.PermissionDenied"
            // The roles that let the call through, read from the method table: the method's roles, narrowed by its
            // access rule to the writer of the kind the parameters name, or to the role that stands in for a class
            // teacher (this fixture's teacher leads no class).
            let roles: Set<Role>
            switch spec.access {
            case .roles: roles = spec.roles
            case .kindWriter(let kind):
                let parameters = try JSONValueDecoder().decode(
                    spec.parametersType, from: Self.parameters[spec.fullName] ?? .object([:]))
                roles = [try #require(kind(parameters)).writerRole]
            case .roleOrClassTeacher(let role, _): roles = [role]
            case .rolesOrTeacherOfClass(let allowed, _): roles = allowed
            }
            let allowed = roles.isEmpty || role.map(roles.contains) == true
            if role == nil, case .year = spec.scope {
                // Someone with no role at the year's school is told nothing of it: the year reads as unknown.
                #expect(
                    reply?.errorName == "io.yeard.Year.YearNotFound", "\(spec.fullName): \(String(describing: reply))")
                continue
            }
            if role == nil, case .request = spec.scope {
                #expect(
                    reply?.errorName == "io.yeard.Approval.RequestNotFound",
                    "\(spec.fullName): \(String(describing: reply))")
                continue
            }
            #expect(
                denied == !allowed, "\(spec.fullName) as \(role?.rawValue ?? "no role"): \(String(describing: reply))")
            if denied, case .array(let required)? = reply?["parameters"]?["required"] {
                let named = Set(required)
                #expect(
                    named == Set(roles.map { JSONValue.string($0.rawValue) })
                        || named == Set(spec.roles.map { JSONValue.string($0.rawValue) }))
            }
        }
    }

    @Test("a denial is audited, and so is every refused mutating call; refused reads are not")
    func refusalsAudited() async throws {
        let fixture = try await DaemonFixture()
        let before = try await fixture.state.database.auditEntries(after: 0, limit: 1000, schools: nil).count
        _ = await fixture.call("io.yeard.Year.Status", as: DaemonFixture.caller(nil))
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["label": "2026/2028", "school": "school-a"]),
            as: DaemonFixture.caller(.admin))
        _ = await fixture.call("io.yeard.Year.Get", .object(["id": 42]), as: DaemonFixture.caller(.auditor))
        let rows = try await fixture.state.database.auditEntries(after: 0, limit: 1000, schools: nil).dropFirst(before)
        #expect(rows.map(\.action) == ["refused:io.yeard.Year.Status", "refused:io.yeard.Year.Create"])
        #expect(rows.last?.school == "school-a" && rows.last?.role == "admin")
        #expect(rows.first?.uid == 999)
    }

    @Test("a thousand refused calls of one user cost a bounded number of audit rows, and their count is kept")
    func refusalsBudgeted() async throws {
        let fixture = try await DaemonFixture()
        let before = try await fixture.state.database.auditEntries(after: 0, limit: 10000, schools: nil).count
        let stranger = DaemonFixture.caller(nil)
        for index in 0..<1000 {
            let reply =
                index.isMultiple(of: 2)
                ? await fixture.call("io.yeard.Year.Status", as: stranger)
                : await fixture.call(
                    "io.yeard.Year.Create", .object(["label": "2026/2027", "school": "school-a"]), as: stranger)
            #expect(reply?.errorName == "io.yeard.Year.PermissionDenied")
        }
        // Someone else's refusals have budgets of their own.
        _ = await fixture.call("io.yeard.Year.Status", as: Caller(uid: 4242, gid: 100, userName: "other"))
        var rows = try await fixture.state.database.auditEntries(after: 0, limit: 10000, schools: nil).dropFirst(before)
        let budget = fixture.state.refusals.withLock { $0.perWindow }
        #expect(rows.count == budget + 1)
        #expect(rows.filter { $0.uid == 999 }.last?.details.contains("counted, not recorded each") == true)
        await fixture.state.recordCountedRefusals(now: Date(), draining: true)
        rows = try await fixture.state.database.auditEntries(after: 0, limit: 10000, schools: nil).dropFirst(before)
        let counted = try #require(rows.last)
        #expect(counted.action == "refused.counted" && counted.uid == 999 && counted.target == "uid 999")
        let details = try #require(JSONValue.parseCanonical(counted.details))
        #expect(details["count"] == .int(Int64(1000 - budget)))
        #expect(details["methods"]?["io.yeard.Year.Status"] == .int(Int64(500 - budget / 2)))
        #expect(details["methods"]?["io.yeard.Year.Create"] == .int(Int64(500 - budget / 2)))
        let verify = await fixture.call("io.yeard.Audit.Verify", as: DaemonFixture.caller(.auditor))
        #expect(verify?["parameters"]?["intact"] == .bool(true))
    }

    @Test("a string parameter holding a control character or an override is refused before any handler runs")
    func controlCharactersRefused() async throws {
        let fixture = try await DaemonFixture()
        // (A NUL never gets this far: the message reader refuses \u0000 in any string, and closes the connection.)
        for text in ["2027/2028\u{1B}[2J", "2027/2028\u{7}", "\u{202E}2027/2028", "2027/2028\u{9B}"] {
            let reply = await fixture.call(
                "io.yeard.Year.Create", .object(["label": .string(text), "school": "school-a"]),
                as: DaemonFixture.caller(.admin))
            #expect(reply?.errorName == "org.varlink.service.InvalidParameter")
            #expect(reply?["parameters"]?["parameter"] == "label")
        }
        let reason = await fixture.call(
            "io.yeard.Year.Create", .object(["label": "2027/2028", "school": "school-a"]),
            as: DaemonFixture.caller(.admin))
        #expect(reason?.errorName == nil)
    }

    @Test("bad input gets a named error and the daemon keeps serving")
    func badInput() async throws {
        let fixture = try await DaemonFixture()
        let admin = DaemonFixture.caller(.admin)
        for frame in ["{not json", "[1,2]", #"{"method":"io.yeard.Year.List","method":"io.yeard.Year.Create"}"#] {
            let reply = await fixture.send(raw: frame, as: admin)
            #expect(reply?["closedAfter"]?.errorName == "io.yeard.Year.InvalidMessage", "\(frame)")
        }
        let wrongType = await fixture.call("io.yeard.Year.Get", .object(["id": "x"]), as: admin)
        #expect(wrongType?.errorName == "org.varlink.service.InvalidParameter")
        #expect(wrongType?["parameters"]?["parameter"] == "id")
        let missing = await fixture.call("io.yeard.Year.Create", .object(["school": "school-a"]), as: admin)
        #expect(missing?["parameters"]?["parameter"] == "label")
        let unknown = await fixture.call("io.yeard.Year.List", .object(["colour": "red"]), as: admin)
        #expect(unknown?["parameters"]?["parameter"] == "colour")
        let notObject = await fixture.call("io.yeard.Year.List", .array([]), as: admin)
        #expect(notObject?["parameters"]?["parameter"] == "parameters")
        #expect(await fixture.call("io.yeard.Year.Fly", as: admin)?.errorName == "org.varlink.service.MethodNotFound")
        #expect(await fixture.call("io.other.X.Y", as: admin)?.errorName == "org.varlink.service.InterfaceNotFound")
        let badLabel = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": 5]), as: admin)
        #expect(badLabel?["parameters"]?["parameter"] == "label")
        let noSchool = await fixture.call("io.yeard.Year.Create", .object(["label": "2026/2027"]), as: admin)
        #expect(noSchool?["parameters"]?["parameter"] == "school")
        #expect(await fixture.send(raw: #"{"method":"io.yeard.Year.Status","oneway":true}"#, as: admin) == nil)
        let status = await fixture.call("io.yeard.Year.Status", as: admin)
        #expect(status?.errorName == nil && status?["parameters"]?["schools"] != nil)
    }

    @Test("the whole story: create, file, self-approval refused, approve, verify")
    func story() async throws {
        let fixture = try await DaemonFixture()
        let admin = DaemonFixture.caller(.admin)
        let coordinator = DaemonFixture.caller(.coordinator)
        let created = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-b", "label": "2026/2027"]), as: admin)
        #expect(created?["parameters"]?["year"]?["state"] == "open")
        let filed = await fixture.call(
            "io.yeard.Approval.File", .object(["year": 1, "event": "start", "reason": "September"]), as: admin)
        let hash = filed?["parameters"]?["request"]?["payloadHash"] ?? .null
        let approved = await fixture.call(
            "io.yeard.Approval.Approve", .object(["id": 1, "payloadHash": hash]), as: coordinator)
        #expect(approved?["parameters"]?["year"]?["state"] == "in_progress")
        let again = await fixture.call("io.yeard.Approval.Approve", .object(["id": 1]), as: coordinator)
        #expect(again?.errorName == "io.yeard.Approval.RequestNotPending")
        let verify = await fixture.call("io.yeard.Audit.Verify", as: DaemonFixture.caller(.auditor))
        #expect(verify?["parameters"]?["intact"] == true)
    }
}

@Suite("What refusals and reads reveal")
struct DisclosureTests {
    @Test("a refusal's audit row keeps a bounded summary of the parameters and their hash")
    func refusalRowsAreBounded() async throws {
        let fixture = try await DaemonFixture()
        let huge = String(repeating: "x", count: 200_000)
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": .string(huge)]),
            as: DaemonFixture.caller(nil))
        let row = try #require(try await fixture.state.database.auditEntries(after: 0, limit: 1000, schools: nil).last)
        #expect(row.action == "refused:io.yeard.Year.Create")
        #expect(row.details.utf8.count < 2000)
        #expect(row.details.contains("parametersSHA256"))
    }

    @Test("rows that concern no school, the audit head and Verify are for callers who see every school")
    func instanceWideValues() async throws {
        let fixture = try await DaemonFixture()
        _ = await fixture.call("io.yeard.Year.Status", as: DaemonFixture.caller(nil))
        let scoped = Caller(uid: 4000, gid: 100, userName: "auditor-a")
        var configuration = fixture.state.configuration
        configuration.policy.grants.append(RoleGrant(role: .auditor, subject: .uid(4000), school: "school-a"))
        fixture.state.replace(configuration)
        let list = await fixture.call("io.yeard.Audit.List", as: scoped)
        guard case .array(let entries)? = list?["parameters"]?["entries"] else {
            Issue.record("\(String(describing: list))")
            return
        }
        #expect(entries.allSatisfy { $0["school"] == "school-a" })
        #expect(await fixture.call("io.yeard.Year.Status", as: scoped)?["parameters"]?["auditHead"] == nil)
        let verify = await fixture.call("io.yeard.Audit.Verify", as: scoped)
        #expect(verify?["parameters"]?["school"] == "*")
        let global = DaemonFixture.caller(.auditor)
        #expect(await fixture.call("io.yeard.Year.Status", as: global)?["parameters"]?["auditHead"] != nil)
        #expect(await fixture.call("io.yeard.Audit.Verify", as: global)?["parameters"]?["intact"] == true)
    }

    @Test("a year of a school no longer configured cannot be moved")
    func unconfiguredSchool() async throws {
        let fixture = try await DaemonFixture()
        let admin = DaemonFixture.caller(.admin)
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-b", "label": "2026/2027"]), as: admin)
        var configuration = fixture.state.configuration
        configuration.schools.removeAll { $0.id == "school-b" }
        fixture.state.replace(configuration)
        let filed = await fixture.call("io.yeard.Approval.File", .object(["year": 1, "event": "start"]), as: admin)
        #expect(filed?.errorName == "io.yeard.Year.SchoolNotFound")
    }
}

@Suite("Registry permissions")
struct RegistryPermissionTests {
    @Test("each kind is imported by its writer role only", arguments: YearDatabase.registryKinds)
    func writerRoles(kind: RegistryKind) async throws {
        let fixture = try await DaemonFixture()
        _ = await fixture.call(
            "io.yeard.Year.Create", .object(["school": "school-a", "label": "2026/2027"]),
            as: DaemonFixture.caller(.admin))
        for role in Role.allCases {
            let caller = DaemonFixture.caller(role)
            let upload = await fixture.call("io.yeard.Registry.Upload", .object(["data": ""]), as: caller)
            let id = upload?["parameters"]?["upload"] ?? "none"
            let reply = await fixture.call(
                "io.yeard.Registry.Import",
                .object(["kind": .string(kind.rawValue), "upload": id, "fileName": "f.csv", "school": "school-a"]),
                as: caller)
            let denied = reply?.errorName == "io.yeard.Year.PermissionDenied"
            // Grades also need the teacher to be a member of staff by login; this fixture's teacher is not.
            let expected = role != kind.writerRole || kind == .grades
            #expect(denied == expected, "\(kind) as \(role): \(String(describing: reply))")
        }
    }
}
