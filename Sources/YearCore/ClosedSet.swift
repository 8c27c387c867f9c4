/// A closed set of values that travel as their text (a year's state, a request's status, a kind of file): shown as
/// that text, and decoded only from one of its values, with an error that lists them.
public protocol ClosedSet: RawRepresentable, CaseIterable, Codable, Sendable, CustomStringConvertible
where RawValue == String {}

extension ClosedSet {
    /// The value's text, as on the wire (`in_progress`, not the Swift case name).
    public var description: String { rawValue }

    /// Every value's text, in declaration order, joined for a sentence.
    public static var valueList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Decodes one of the values; anything else is refused with the list of them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected one of \(Self.valueList), got '\(text)'")
        }
        self = value
    }
}
