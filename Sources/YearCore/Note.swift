import Foundation

/// One sentence a person reads, as a code and what the sentence names, said in any language by `message(_:)`: a line
/// of a rollover plan (an error, a warning, its summary; `Note+Plan.swift`) or why a call was refused
/// (`Note+Refusals.swift`). Where yeard keeps text (a plan's canonical form, a request's summary, a Varlink error's
/// `message`), it keeps the English sentence; the note travels beside it so that each reader gets the sentence in
/// their language.
public struct Note: Sendable, Hashable, Codable {
    /// What the sentence says (`over-capacity`, `summary-class`, `year-closed`...).
    public var code: String
    /// What it names: classes, grades, counts as decimal digits, days as `2026-09-01`, outcomes and states by their
    /// raw values.
    public var params: [String: String]

    /// A note with every field given.
    public init(_ code: String, _ params: [String: String] = [:]) {
        self.code = code
        self.params = params
    }

    /// The note as JSON: `{"code": ..., "params": {...}}`.
    public var json: JSONValue {
        .object(["code": .string(code), "params": .object(params.mapValues(JSONValue.string))])
    }

    /// A note read back from `json`; nil for anything else.
    public init?(json: JSONValue) {
        guard case .string(let code)? = json["code"], case .object(let fields)? = json["params"] else { return nil }
        var params: [String: String] = [:]
        for (key, value) in fields {
            guard case .string(let text) = value else { return nil }
            params[key] = text
        }
        self.init(code, params)
    }

    /// The sentence in English, as plans, requests and the daemon's messages keep it.
    public var english: String { message(.english) }

    /// The sentence in `l`'s language; the code itself for a code this version does not know (a newer daemon's, or
    /// an English line stored before notes were kept).
    public func message(_ l: Localizer) -> String {
        var p = params
        for key in ["start", "end", "birth", "first_day", "date", "day", "from_date", "to_date", "last_day"] {
            if let day = p[key] { p[key] = l.date(day) }
        }
        for key in ["count", "students", "capacity", "placed", "created", "now"] {
            if let number = p[key].flatMap(Int.init) { p[key] = l.number(number) }
        }
        if let outcome = p["outcome"].flatMap(PromotionOutcome.init(rawValue:)) { p["outcome"] = outcome.name(l) }
        if let state = p["state"].flatMap(YearState.init(rawValue:)) { p["state"] = state.name(l) }
        if let event = p["event"].flatMap(YearEvent.init(rawValue:)) { p["event"] = event.name(l) }
        p["teacher"] = teacherPhrase(l)
        let count = Int(params["count"] ?? params["students"] ?? "") ?? 0
        let sentence =
            Self.studentMessage(code, p, l) ?? Self.planMessage(code, p, count, l)
            ?? Self.summaryMessage(code, p, count, l) ?? Self.refusalMessage(code, p, count, l)
            // A value refused as an import refuses it (a control character in a reason) says what the import says.
            ?? ImportProblem.message(params.merging(["code": code]) { $1 }, l) ?? code
        return framed(sentence, p, l)
    }
}
