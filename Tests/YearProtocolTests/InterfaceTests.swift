import Foundation
import Testing
import YearCore

@testable import YearProtocol

@Suite("The protocol surface")
struct InterfaceTests {
    /// The declared fields of `error Name (...)` in an interface description.
    static func declaredErrors(_ interface: VarlinkInterface) -> [String: Set<String>] {
        var errors: [String: Set<String>] = [:]
        for line in interface.description.split(separator: "\n") where line.hasPrefix("error ") {
            let name = String(line.dropFirst(6).prefix { $0 != " " && $0 != "(" })
            let inside = line.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
            errors[name] = Set(
                inside.split(separator: ",").compactMap {
                    $0.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) }
                }.filter { !$0.isEmpty })
        }
        return errors
    }

    @Test("every interface description names itself, each of its methods and its errors")
    func descriptions() {
        for interface in YeardAPI.interfaces {
            let text = interface.description
            #expect(text.contains("\ninterface \(interface.name)\n"))
            for method in interface.methods {
                #expect(text.contains("\nmethod \(method.name)\(method.parameters) -> \(method.reply)\n"))
            }
            #expect(!text.contains("\n\n\n"))
        }
        #expect(YeardAPI.methods.count == YeardAPI.interfaces.map(\.methods.count).reduce(0, +))
    }

    @Test("types, methods and errors of an interface have distinct names (Varlink gives them one namespace)")
    func oneNamespace() {
        for interface in YeardAPI.interfaces {
            var names: [String] = []
            for line in interface.description.split(separator: "\n") {
                for keyword in ["type ", "method ", "error "] where line.hasPrefix(keyword) {
                    names.append(String(line.dropFirst(keyword.count).prefix { $0 != " " && $0 != "(" }))
                }
            }
            #expect(Set(names).count == names.count, "\(interface.name): \(names.sorted())")
        }
    }

    @Test("every method needs a role; no mutating method is open to auditors")
    func roleTable() {
        for spec in YeardAPI.methods.values where spec.interface != "org.varlink.service" {
            #expect(!spec.roles.isEmpty, "\(spec.fullName) must need a role")
            if spec.mutating {
                #expect(!spec.roles.contains(.auditor), "\(spec.fullName)")
            }
        }
        #expect(YeardAPI.methods["io.yeard.Approval.Approve"]?.roles == [.coordinator])
        #expect(YeardAPI.methods["io.yeard.Approval.File"]?.roles == [.admin])
        // IssueOrder writes one row of an orders file with no access rule of its own: its roles are the kind's writer.
        #expect(YeardAPI.Registry.issueOrder.spec.roles == [RegistryKind.orders.writerRole])
        // A class teacher without the secretary's role changes only their own class's contacts.
        guard case .roleOrClassTeacher(.secretary, _) = YeardAPI.Registry.updateContact.spec.access else {
            Issue.record("UpdateContact must be the secretary's, or a class teacher's for their own class")
            return
        }
        #expect(YeardAPI.Registry.updateContact.spec.roles == [.secretary, .teacher])
        // Import and Record may be called by any kind's writer; the access rule narrows it to the kind's.
        for method in [YeardAPI.Registry.import.spec, YeardAPI.Registry.record.spec] {
            #expect(Set(RegistryKind.allCases.map(\.writerRole)).isSubset(of: method.roles), "\(method.fullName)")
            guard case .kindWriter = method.access else {
                Issue.record("\(method.fullName) must name its kind's writer")
                continue
            }
        }
    }

    static let samples: [YearError] = [
        .invalidParameter(field: "label", reason: "r"), .invalid("label", "year-label", ["got": "x"]),
        .permissionDenied(method: "m", required: [.admin], school: "s"),
        .schoolNotFound(school: "s"), .yearNotFound(id: 1), .yearExists(school: "s", label: "l"),
        .transitionNotAllowed(year: "y", state: .open, event: .reopen, allowed: [.start]),
        .rolloverOnly(event: .close), .guardFailed(event: .start, violations: [Note("reason-required")]),
        .requestNotFound(id: 1),
        .requestNotPending(id: 1, status: .approved), .requestPending(year: "y", request: 2), .selfApproval(id: 1),
        .yearChanged(id: 1, requestedVersion: 1, currentVersion: 2),
        .payloadMismatch(id: 1, expected: "e", actual: "a"), .notRequester(id: 1, requesterUID: 5),
        .uploadNotFound(id: "u"), .importRefused(file: "f.csv", problems: [], count: 0),
        .internalFailure(reason: "r"),
    ]

    @Test(
        "every domain error maps to an error its interface declares, with exactly the declared fields",
        arguments: samples)
    func errorMapping(error: YearError) throws {
        let mapped = VarlinkError(error)
        let interfaceName = mapped.name.split(separator: ".").dropLast().joined(separator: ".")
        let interface = try #require(YeardAPI.interface(named: interfaceName), "\(mapped.name)")
        let declared = try #require(Self.declaredErrors(interface)[String(mapped.name.split(separator: ".").last!)])
        guard case .object(let fields) = mapped.parameters else {
            Issue.record("parameters must be an object")
            return
        }
        // yeard's InvalidParameter adds its English reason, and the note that says it, to the standard error.
        let extra: Set<String> =
            interfaceName != "org.varlink.service"
            ? [] : fields["note"] == nil ? ["message", "reason"] : ["message", "reason", "note"]
        #expect(Set(fields.keys) == declared.union(extra), "\(mapped.name)")
        #expect(mapped.message == error.description)
    }
}

@Suite("The protocol reference")
struct ReferenceTests {
    @Test("docs/protocol.md is what the method table generates")
    func docsInStep() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/protocol.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == YeardAPI.markdownReference(), "regenerate it: yeard --print-protocol > docs/protocol.md")
    }

    @Test("the client's help names each method's roles")
    func help() {
        #expect(
            YeardAPI.help(for: YeardAPI.Approval.approve)
                == "Calls io.yeard.Approval.Approve (changes state; role: coordinator).")
    }
}

@Suite("Parameter signatures")
struct SignatureTests {
    @Test("every method's parameter list in the table parses")
    func allParse() {
        for spec in YeardAPI.methods.values {
            #expect(VarlinkSignature(spec.parameters) != nil, "\(spec.fullName): \(spec.parameters)")
        }
    }

    @Test("a call's parameters are checked against the signature, naming the field")
    func violations() throws {
        let signature = try #require(VarlinkSignature("(id: int, reason: ?string, tags: ?[]string, at: ?float)"))
        #expect(signature.violation(in: ["id": 1]) == nil)
        #expect(signature.violation(in: ["id": 1, "reason": .null, "tags": .array(["a"]), "at": .double(1.5)]) == nil)
        #expect(signature.violation(in: [:])?.field == "id")
        #expect(signature.violation(in: ["id": .double(1.5)])?.field == "id")
        #expect(signature.violation(in: ["id": .double(9.3e18)])?.reason == "expected an integer (64-bit, no fraction)")
        #expect(signature.violation(in: ["id": 1, "reason": 5])?.field == "reason")
        #expect(signature.violation(in: ["id": 1, "tags": .array([1])])?.reason == "expected an array of a string")
        #expect(signature.violation(in: ["id": 1, "colour": "red"])?.field == "colour")
        #expect(VarlinkSignature("id: int") == nil)
        #expect(VarlinkSignature("(id: integer)") == nil)
    }

    @Test("a value outside a parameter's enum is refused with the enum's values, before any decoding")
    func enumViolations() {
        let list = YeardAPI.Approval.list.spec.parameterSignature
        #expect(list.violation(in: ["status": "pending"]) == nil)
        #expect(list.violation(in: ["status": .null]) == nil)
        let refused = list.violation(in: ["status": "done"])
        #expect(refused?.field == "status")
        #expect(refused?.reason == "expected one of pending, approved, rejected, cancelled, expired")
        #expect(
            list.violation(in: ["status": 3])?.reason
                == "expected one of pending, approved, rejected, cancelled, expired")
        let readiness = YeardAPI.Checks.readiness.spec.parameterSignature
        #expect(readiness.violation(in: ["target": "open"])?.reason == "expected one of start, close")
        #expect(
            readiness.violation(in: ["target": "close", "format": "pdf"])?.reason
                == "expected one of text, csv, json, html")
    }

    @Test("a closed set that the Varlink text types string (an event) is refused by its decoding, with its values")
    func closedStringDecoding() throws {
        #expect(throws: Never.self) { try JSONValueDecoder().decode(YearEvent.self, from: "begin-closing") }
        do {
            _ = try JSONValueDecoder().decode(
                FileRequestParameters.self, from: .object(["year": 1, "event": "finish"]))
            Issue.record("an unknown event decoded")
        } catch let error as DecodingError {
            guard case .dataCorrupted(let context) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(
                context.debugDescription
                    == "expected one of start, begin-closing, reopen, close, undo-rollover, got 'finish'")
        }
    }
}
