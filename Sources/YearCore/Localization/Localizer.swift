import Foundation

/// Renders the sentences a person reads in one language, from a message catalogue keyed by the English text, as
/// GNU gettext keys them.
///
/// Every call site passes the English message as a string literal to `tr`, `trc` or `trn`, so that `scripts/po
/// extract` (xgettext) finds it and `po/yeard.pot` lists it. Parameters are named placeholders, `{school}`, filled
/// from the arguments; a sentence is never assembled from pieces in one language's grammar. A translation that is
/// missing, or whose placeholders differ from the English message's, gives the English message: never a raw key.
public struct Localizer: Sendable {
    /// The language's code as the catalogue's directory names it (`en`, `ru`).
    public let language: String
    /// The language's translations.
    public let catalogue: MessageCatalogue

    /// A localizer for `language` with its catalogue.
    public init(language: String, catalogue: MessageCatalogue) {
        self.language = language
        self.catalogue = catalogue
    }

    /// English, the language of the sources: every message as written.
    public static let english = Localizer(language: "en", catalogue: .english)

    /// `message` in this language, its `{name}` placeholders filled from `arguments`.
    public func tr(_ message: String, _ arguments: [String: String] = [:]) -> String {
        fill(translation(of: message, key: message, form: nil), arguments)
    }

    /// `message` in this language where the same English words need telling apart (`context` is gettext's
    /// `msgctxt`: "year state" for `closed`, "request status" for `approved`).
    public func trc(_ context: String, _ message: String, _ arguments: [String: String] = [:]) -> String {
        fill(translation(of: message, key: context + "\u{4}" + message, form: nil), arguments)
    }

    /// The form of `singular` / `plural` that `count` takes in this language (Russian has three: 1 ученик,
    /// 2 ученика, 5 учеников), with `{count}` filled with `count` as `number` writes it.
    public func trn(_ singular: String, _ plural: String, _ count: Int, _ arguments: [String: String] = [:])
        -> String
    {
        self.plural(key: singular, singular, plural, count, arguments)
    }

    /// `trn` where the same English words need telling apart (gettext's `npgettext`): Russian "from 5 checks" needs
    /// the genitive, "из 5 проверок", where a count alone is "5 проверок".
    public func trnc(
        _ context: String, _ singular: String, _ plural: String, _ count: Int, _ arguments: [String: String] = [:]
    ) -> String {
        self.plural(key: context + "\u{4}" + singular, singular, plural, count, arguments)
    }

    /// The plural message under `key` in the form `count` takes, `{count}` filled as `number` writes it.
    private func plural(
        key: String, _ singular: String, _ plural: String, _ count: Int, _ arguments: [String: String]
    ) -> String {
        var filled = arguments
        filled["count"] = number(count)
        return fill(translation(of: count == 1 ? singular : plural, key: key, form: count, plural: plural), filled)
    }

    /// A calendar day given as ISO `YYYY-MM-DD` in this language's way (`01.09.2026` in Russian); any other text is
    /// returned as it is.
    public func date(_ iso: String) -> String {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard iso.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil })
        else { return iso }
        // TRANSLATORS: how a calendar day is written; keep the three placeholders, reorder them and change the
        // separators (Russian: {day}.{month}.{year}).
        return trc(
            "date format", "{year}-{month}-{day}",
            [
                "year": String(parts[0]), "month": String(parts[1]), "day": String(parts[2]),
            ])
    }

    /// A moment on the wall clocks of `zone`, to the minute on a 24-hour clock, in this language's way
    /// (`01.09.2026 08:30` in Russian, `2026-09-01 08:30` in English).
    public func moment(_ instant: Date, in zone: TimeZone) -> String {
        let parts = WallClock.components(of: instant, in: zone)
        let day = "\(parts.year ?? 0)-\(WallClock.two(parts.month))-\(WallClock.two(parts.day))"
        return trc(
            "date and time format", "{date} {time}",
            ["date": date(day), "time": "\(WallClock.two(parts.hour)):\(WallClock.two(parts.minute))"])
    }

    /// A count as tables show it: digits grouped by thousands with the language's separator (none in English,
    /// a space in Russian).
    public func number(_ value: Int) -> String {
        // TRANSLATORS: the character that groups the digits of a count by thousands: a space in Russian
        // ("1 234"). Leave untranslated (or translate as "(none)") for no grouping.
        let separator = trc("thousands separator", "(none)")
        let digits = String(value.magnitude)
        guard separator != "(none)", digits.count > 4 else { return value < 0 ? "-" + digits : digits }
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: separator)
    }

    /// A measure with `fractionDigits` digits after the language's decimal separator (`1.5` in English, `1,5` in
    /// Russian).
    public func decimal(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite, abs(value) < 1e15, (0...6).contains(fractionDigits) else { return String(value) }
        let scale = (0..<fractionDigits).reduce(1.0) { value, _ in value * 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled) - whole * Int(scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + number(whole)
        if fractionDigits > 0 {
            let digits = String(fraction)
            // TRANSLATORS: the character between the whole and the fractional part of a number: a comma in Russian.
            text +=
                trc("decimal separator", ".") + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return text
    }

    /// `items` in the alphabetical order of their names in this language: case-insensitive, and `ё` beside `е`
    /// as Russian dictionaries sort it (Unicode puts `ё` after `я`).
    public func sorted<T>(_ items: [T], by name: (T) -> String) -> [T] {
        items.map { (key: Self.collationKey(name($0)), name: name($0), item: $0) }
            .sorted { ($0.key, $0.name) < ($1.key, $1.name) }.map(\.item)
    }

    /// The text as it sorts: lower case, `ё` as `е`.
    public static func collationKey(_ text: String) -> String {
        String(text.lowercased().map { $0 == "ё" ? "е" : $0 })
    }

    // MARK: - Lookup

    private func translation(of english: String, key: String, form count: Int?, plural: String? = nil) -> String {
        guard let forms = catalogue.translations[key] else { return english }
        let chosen: String?
        if let count {
            // A plural message needs the language's rule and every form it names.
            guard let rule = catalogue.pluralRule, forms.count == rule.count else { return english }
            chosen = forms[rule.form(for: count)]
        } else {
            chosen = forms.first
        }
        guard let chosen, !chosen.isEmpty else { return english }
        // A translation must use exactly the English placeholders (a plural form may leave out `{count}`, as
        // Russian "один ученик" might); otherwise the English sentence is the safe answer.
        var expected = Self.placeholders(in: english).union(plural.map(Self.placeholders(in:)) ?? [])
        var found = Self.placeholders(in: chosen)
        if count != nil {
            expected.remove("count")
            found.remove("count")
        }
        guard expected == found else { return english }
        return chosen
    }

    private func fill(_ text: String, _ arguments: [String: String]) -> String {
        guard text.contains("{"), !arguments.isEmpty else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"),
                let value = arguments[String(rest[afterOpen..<close])]
            {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }

    /// The `{name}` placeholders of a message (a name is a letter, then letters, digits or `_`).
    public static func placeholders(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = rest[afterOpen..<close]
            if let first = name.first, first.isASCII, first.isLetter,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            {
                names.insert(String(name))
                rest = rest[rest.index(after: close)...]
            } else {
                rest = rest[afterOpen...]
            }
        }
        return names
    }
}
