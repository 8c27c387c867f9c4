import Foundation
import Testing
import YearCore

@testable import YearProtocol

/// Every method's Swift parameter and reply types against the Varlink signatures its interface publishes: a sample
/// of each signature (every optional given, then none; every case of every enum) decodes into the declared type and
/// encodes back to itself. A field the Swift type lacks, names differently, types differently or requires when the
/// signature makes it optional fails here, for every method of every interface; and so does a String where the
/// signature has an enum.
@Suite("Method types")
struct MethodTypeTests {
    static let methods = YeardAPI.interfaces.flatMap(\.methods).map(\.fullName)

    static func roundTrip<T: Codable>(_ type: T.Type, _ value: JSONValue) throws -> JSONValue {
        let decoded = try JSONValueDecoder().decode(T.self, from: value)
        return try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(decoded))
    }

    static func check(
        _ signature: String, as type: any Codable.Type, in table: VarlinkTypeTable, what: String, method: String
    ) throws {
        let parsed = try VarlinkType.parse(signature)
        for variant in 0..<max(table.widestEnum(in: parsed), YearEvent.allCases.count) {
            for full in [true, false] {
                var enums = 0
                let sample = table.sample(parsed, full: full, variant: variant, enums: &enums)
                let back: JSONValue
                do {
                    back = try roundTrip(type, sample)
                } catch {
                    Issue.record("\(method): the \(what) \(sample.canonicalText) does not decode as \(type): \(error)")
                    continue
                }
                #expect(
                    back.withoutNulls == sample.withoutNulls,
                    "\(method): the \(what) \(sample.canonicalText) came back as \(back.canonicalText) through \(type)")
                if let problem = table.mismatch(back, parsed) { Issue.record("\(method): \(what) \(problem)") }
            }
        }
        // Each enum of the signature is a closed set in Swift too (a YearCore enum, not a String): a value outside
        // it does not decode.
        var enums = 0
        _ = table.sample(parsed, full: true, variant: 0, enums: &enums)
        for breaking in 0..<enums {
            var count = 0
            let sample = table.sample(parsed, full: true, variant: 0, breaking: breaking, enums: &count)
            #expect(
                (try? roundTrip(type, sample)) == nil,
                "\(method): the \(what) \(sample.canonicalText) has a value outside an enum and still decodes as \(type)"
            )
        }
    }

    @Test("parameters and replies decode and encode as their signatures say", arguments: methods)
    func roundTrips(method: String) throws {
        let spec = try #require(YeardAPI.methods[method])
        let interface = try #require(YeardAPI.interface(named: spec.interface))
        let table = try VarlinkTypeTable(description: interface.description)
        try Self.check(spec.parameters, as: spec.parametersType, in: table, what: "parameters", method: method)
        try Self.check(spec.reply, as: spec.replyType, in: table, what: "reply", method: method)
    }

    @Test("every named type an interface uses is defined in it")
    func namedTypesResolve() throws {
        for interface in YeardAPI.interfaces {
            let table = try VarlinkTypeTable(description: interface.description)
            func unresolved(_ type: VarlinkType) -> [String] {
                switch type {
                case .optional(let inner), .array(let inner), .map(let inner): return unresolved(inner)
                case .named(let name): return table.types[name] == nil ? [name] : []
                case .structure(let fields): return fields.flatMap { unresolved($0.type) }
                default: return []
                }
            }
            for type in table.types.values { #expect(unresolved(type) == [], "\(interface.name)") }
            for method in interface.methods {
                for signature in [method.parameters, method.reply] {
                    #expect(unresolved(try VarlinkType.parse(signature)) == [], "\(method.fullName)")
                }
            }
        }
    }

    @Test("no type of an interface shares its name with one of its methods or errors")
    func memberNamesAreUnique() throws {
        // The names of an interface's members are one namespace (the Python varlink package keeps the last of two
        // members of one name: a type Movement beside the method Movement was lost to it).
        for interface in YeardAPI.interfaces {
            let types = Set(try VarlinkTypeTable(description: interface.description).types.keys)
            let errors = Set(
                interface.description.split(separator: "\n").filter { $0.hasPrefix("error ") }.map {
                    String($0.dropFirst(6).prefix { $0 != " " && $0 != "(" })
                })
            let methods = Set(interface.methods.map(\.name))
            #expect(types.isDisjoint(with: methods), "\(interface.name): \(types.intersection(methods))")
            #expect(types.isDisjoint(with: errors), "\(interface.name): \(types.intersection(errors))")
            #expect(methods.isDisjoint(with: errors), "\(interface.name): \(methods.intersection(errors))")
        }
    }

    @Test("the type parser reads what the specification allows")
    func parser() throws {
        #expect(try VarlinkType.parse("?[]Year") == .optional(.array(.named("Year"))))
        #expect(
            try VarlinkType.parse("(a: int, b: ?[string]bool, c: (x, y))")
                == .structure([("a", .int), ("b", .optional(.map(.bool))), ("c", .enumeration(["x", "y"]))]))
        #expect(try VarlinkType.parse("()") == .structure([]))
        #expect(throws: VarlinkType.ParseError.self) { try VarlinkType.parse("(a: int, b)") }
        #expect(throws: VarlinkType.ParseError.self) { try VarlinkType.parse("[]") }
    }

    @Test("a reply with a field its signature lacks, or a value of the wrong type, is told apart")
    func mismatchCatches() throws {
        let table = try VarlinkTypeTable(description: "interface a.b\ntype T (x: int, s: (p, q))\n")
        let type = try VarlinkType.parse("(t: T)")
        #expect(table.mismatch(.object(["t": .object(["x": 1, "s": "p"])]), type) == nil)
        #expect(table.mismatch(.object(["t": .object(["x": 1, "s": "r"])]), type) != nil)
        #expect(table.mismatch(.object(["t": .object(["x": "1", "s": "p"])]), type) != nil)
        #expect(table.mismatch(.object(["t": .object(["x": 1, "s": "p", "y": 2])]), type) != nil)
        #expect(table.mismatch(.object(["t": .object(["s": "p"])]), type) != nil)
    }
}
