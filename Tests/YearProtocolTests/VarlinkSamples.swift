import YearCore

@testable import YearProtocol

extension VarlinkTypeTable {
    /// Fields that the Varlink text types `string` but that hold a closed set all the same, with their values: a
    /// Varlink enum's values cannot hold '-', and the events' names do (they are stored in the audit chain).
    static let closedStrings: [String: [String]] = ["event": YearEvent.allCases.map(\.rawValue)]

    /// A value of `type`: every optional present when `full`, absent otherwise; the `variant`-th case of each enum
    /// (modulo its count), so that a series of variants visits every case. When `breaking` is the index of an
    /// enum occurrence (in the order this walk meets them, counted in `enums`), that one gets a value outside it.
    func sample(_ type: VarlinkType, full: Bool, variant: Int, breaking: Int? = nil, enums: inout Int) -> JSONValue {
        switch resolve(type) {
        case .bool: return .bool(variant % 2 == 0)
        case .int: return .int(Int64(7 + variant))
        case .float: return .double(2.5)
        case .string: return .string("text \(variant)")
        case .object: return .object(["key": .int(1)])
        case .optional(let inner):
            return full ? sample(inner, full: full, variant: variant, breaking: breaking, enums: &enums) : .null
        case .array(let inner):
            return .array([sample(inner, full: full, variant: variant, breaking: breaking, enums: &enums)])
        case .map(let inner):
            return .object(["key": sample(inner, full: full, variant: variant, breaking: breaking, enums: &enums)])
        case .named(let name): return .string("unresolved type \(name)")
        case .structure(let fields):
            var members: [String: JSONValue] = [:]
            for (name, fieldType) in fields {
                var value = sample(fieldType, full: full, variant: variant, breaking: breaking, enums: &enums)
                if let values = Self.closedStrings[name], case .string = value {
                    value = .string(values[variant % values.count])
                }
                if value != .null { members[name] = value }
            }
            return .object(members)
        case .enumeration(let cases):
            defer { enums += 1 }
            return .string(enums == breaking ? "no_such_case" : cases[variant % cases.count])
        }
    }

    /// The most cases any enum reachable from `type` has (1 when none).
    func widestEnum(in type: VarlinkType, seen: Set<String> = []) -> Int {
        switch type {
        case .optional(let inner), .array(let inner), .map(let inner): return widestEnum(in: inner, seen: seen)
        case .named(let name):
            guard !seen.contains(name), let found = types[name] else { return 1 }
            return widestEnum(in: found, seen: seen.union([name]))
        case .structure(let fields): return fields.map { widestEnum(in: $0.type, seen: seen) }.max() ?? 1
        case .enumeration(let cases): return cases.count
        default: return 1
        }
    }
}

extension JSONValue {
    /// The value without its null members (an absent optional and a null one mean the same in Varlink).
    var withoutNulls: JSONValue {
        switch self {
        case .object(let members): .object(members.filter { $0.value != .null }.mapValues(\.withoutNulls))
        case .array(let items): .array(items.map(\.withoutNulls))
        default: self
        }
    }
}
