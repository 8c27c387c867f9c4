import Foundation

/// How an instance rolls its years over (`[rollover]` in yeard.toml).
public struct RolloverSettings: Sendable, Equatable {
    /// What is carried over (`[rollover.carry]`).
    public var carry: CarryOver
    /// The numbering rule of the orders a rollover writes: `{year}` (the new year's first calendar year), `{kind}`
    /// (the order's kind: promotion, conditional_promotion, retention, adapted_programme, graduation, withdrawal,
    /// transfer_out, enrollment) and `{n}` (the rollover's number).
    public var orderNumber: String
    /// The capacity of a new first-grade class.
    public var firstGradeCapacity: Int
    /// The numbering rule of a new student's personal file (the book of student movement's entry number):
    /// `{n}` the next number of the book, `{year}` the new year's first calendar year.
    public var personalFile: String

    /// The default numbering rule.
    public static let defaultOrderNumber = "{year}-{kind}-{n}"

    /// The default personal-file rule: the book's next number.
    public static let defaultPersonalFile = "{n}"

    /// Settings with every field given.
    public init(
        carry: CarryOver = CarryOver(), orderNumber: String = defaultOrderNumber, firstGradeCapacity: Int = 30,
        personalFile: String = defaultPersonalFile
    ) {
        self.personalFile = personalFile
        self.carry = carry
        self.orderNumber = orderNumber
        self.firstGradeCapacity = firstGradeCapacity
    }

    /// Why `template` cannot number orders, or nil when it can: it must name `{kind}` and `{n}` (so that two orders
    /// never share a number), use no other placeholder, and stay short enough for any kind.
    public static func orderNumberProblem(_ template: String) -> String? {
        guard template.contains("{kind}"), template.contains("{n}") else {
            return "the order number rule must contain {kind} and {n}, e.g. \(defaultOrderNumber)"
        }
        let stripped = ["{year}", "{kind}", "{n}"].reduce(template) { $0.replacingOccurrences(of: $1, with: "") }
        if stripped.contains("{") || stripped.contains("}") {
            return "the order number rule may only use {year}, {kind} and {n}"
        }
        for placeholder in ["{year}", "{kind}", "{n}"]
        where template.components(separatedBy: placeholder).count > 2 {
            return "the order number rule names \(placeholder) more than once"
        }
        // The longest number it can make: a 4-digit year, the longest kind, a 19-digit rollover number (the CHECK
        // on order numbers allows 64 characters).
        let longestKind = OrderKind.allCases.map(\.rawValue.count).max() ?? 0
        if stripped.count + 4 + longestKind + 19 > 64 {
            return "the order number rule is too long (at most \(64 - 4 - longestKind - 19) characters besides "
                + "placeholders)"
        }
        return nil
    }

    /// Why `template` cannot number personal files, or nil when it can: it names `{n}` once, no other placeholder
    /// but `{year}`, and stays short.
    public static func personalFileProblem(_ template: String) -> String? {
        guard template.components(separatedBy: "{n}").count == 2 else {
            return "the personal-file rule must contain {n} once, e.g. {n} or Л-{year}-{n}"
        }
        let stripped = ["{year}", "{n}"].reduce(template) { $0.replacingOccurrences(of: $1, with: "") }
        if stripped.contains("{") || stripped.contains("}") {
            return "the personal-file rule may only use {year} and {n}"
        }
        if stripped.count > 20 { return "the personal-file rule is too long (at most 20 characters besides them)" }
        return nil
    }

    /// The personal-file number `number` under `template` in a year starting in `year`.
    public static func personalFileNumber(_ template: String, year: Int, number: Int) -> String {
        template.replacingOccurrences(of: "{year}", with: String(year)).replacingOccurrences(
            of: "{n}", with: String(number))
    }

    /// The next number of the book under `template` in a year starting in `year`, after the numbers `taken`: one
    /// more than the highest that the rule made (others are ignored).
    public static func nextPersonalFile(_ template: String, year: Int, taken: [String]) -> Int {
        let filled = template.replacingOccurrences(of: "{year}", with: String(year))
        let parts = filled.components(separatedBy: "{n}")
        guard parts.count == 2 else { return 1 }
        let highest = taken.compactMap { number -> Int? in
            // Up to nine digits: a longer "number" is not the book's, and must not overflow the next one.
            guard number.hasPrefix(parts[0]), number.hasSuffix(parts[1]),
                (1...9).contains(number.count - parts[0].count - parts[1].count)
            else { return nil }
            return Int(number.dropFirst(parts[0].count).dropLast(parts[1].count))
        }.max()
        return (highest ?? 0) + 1
    }

    /// The rule with the year and the rollover's number filled in; `{kind}` is left for each order.
    public func orderNumber(year: Int, rollover: Int64) -> String {
        orderNumber.replacingOccurrences(of: "{year}", with: String(year))
            .replacingOccurrences(of: "{n}", with: String(rollover))
    }
}
