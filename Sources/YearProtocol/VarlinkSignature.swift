import Foundation
import YearCore

/// The parameter list of a Varlink method, `(id: int, reason: ?string)`, parsed from the method table so that a
/// call's parameters are checked against the very text the interface description publishes.
public struct VarlinkSignature: Sendable, Equatable {
    /// A Varlink type, as far as a parameter check needs it.
    public indirect enum FieldType: Sendable, Equatable {
        case bool, int, float, string, object
        /// A named struct, or an anonymous one: any JSON object is left to the typed decoding.
        case other
        /// An enum (named or anonymous): one of these strings.
        case enumeration([String])
        case optional(FieldType)
        case array(FieldType)
        case map(FieldType)
    }

    /// The fields, in order.
    public let fields: [(name: String, type: FieldType)]

    /// No parameters.
    public static let empty = VarlinkSignature(fields: [])

    private init(fields: [(name: String, type: FieldType)]) { self.fields = fields }

    /// Parses `(name: type, ...)`; nil when the text is not a parameter list. Named types are not resolved (an
    /// enum among them is checked by the typed decoding); `MethodSpec.parameterSignature` resolves them.
    public init?(_ text: String) { self.init(text, table: VarlinkTypeTable()) }

    /// Equal when the fields are.
    public static func == (lhs: VarlinkSignature, rhs: VarlinkSignature) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.type) == rhs.fields.map(\.type)
    }

    /// The first field of `parameters` that does not fit, and why; nil when they all fit.
    public func violation(in parameters: [String: JSONValue]) -> (field: String, reason: String)? {
        let names = Set(fields.map(\.name))
        if let unknown = parameters.keys.sorted().first(where: { !names.contains($0) }) {
            let known = fields.isEmpty ? "none" : fields.map(\.name).joined(separator: ", ")
            return (unknown, "no such parameter (this method takes: \(known))")
        }
        for (name, type) in fields {
            let value = parameters[name] ?? .null
            if case .optional = type {
            } else if value == .null {
                return (name, "required")
            }
            if let expected = Self.mismatch(value, type) { return (name, "expected \(expected)") }
        }
        return nil
    }

    /// A description of what was expected when `value` does not fit `type`.
    static func mismatch(_ value: JSONValue, _ type: FieldType) -> String? {
        switch (type, value) {
        case (.optional, .null): return nil
        case (.optional(let inner), _): return mismatch(value, inner)
        case (.bool, .bool), (.int, .int), (.float, .int), (.float, .double), (.string, .string),
            (.object, .object), (.other, .object), (.other, .string):
            return nil
        case (.enumeration(let cases), .string(let text)) where cases.contains(text):
            return nil
        case (.enumeration(let cases), _):
            return "one of \(cases.joined(separator: ", "))"
        case (.array(let element), .array(let values)):
            return values.lazy.compactMap { mismatch($0, element) }.first.map { "an array of \($0)" }
        case (.map(let element), .object(let values)):
            return values.values.lazy.compactMap { mismatch($0, element) }.first.map { "a map of \($0)" }
        case (.bool, _): return "true or false"
        case (.int, _): return "an integer (64-bit, no fraction)"
        case (.float, _): return "a number"
        case (.string, _): return "a string"
        case (.array, _): return "an array"
        case (.object, _), (.map, _), (.other, _): return "an object"
        }
    }
}

extension VarlinkSignature {
    /// The parameter list `text` (read by the Varlink type parser), its named enums resolved through `table` (so
    /// that a value outside an enum is refused with the list of its cases before any typed decoding).
    init?(_ text: String, table: VarlinkTypeTable) {
        guard let parsed = try? VarlinkType.parse(text), case .structure(let members) = parsed else { return nil }
        func convert(_ type: VarlinkType) -> FieldType {
            switch table.resolve(type) {
            case .bool: .bool
            case .int: .int
            case .float: .float
            case .string: .string
            case .object: .object
            case .optional(let inner): .optional(convert(inner))
            case .array(let inner): .array(convert(inner))
            case .map(let inner): .map(convert(inner))
            case .named, .structure: .other
            case .enumeration(let cases): .enumeration(cases)
            }
        }
        self.init(fields: members.map { ($0.name, convert($0.type)) })
    }
}

extension MethodSpec {
    /// The parsed parameter list, its enums resolved through the interface's types (an empty one if the table's
    /// text does not parse, which a test rules out).
    public var parameterSignature: VarlinkSignature {
        let table = YeardAPI.interface(named: interface).flatMap { try? VarlinkTypeTable(description: $0.description) }
        return VarlinkSignature(parameters, table: table ?? VarlinkTypeTable()) ?? .empty
    }
}
