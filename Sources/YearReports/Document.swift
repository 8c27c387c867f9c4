import Foundation
import YearCore

/// What every printable document's page (`layout.mustache`) is filled with: the language, the title, the school's
/// name and the day it was printed (at the top of every page) and the page numbers (at the bottom).
public struct DocumentPage {
    /// The title, the school's name, and the day it was printed (`YYYY-MM-DD`).
    public var title: String, school: String, printed: String

    /// A page with every field given.
    public init(title: String, school: String, printed: String) {
        self.title = title
        self.school = school
        self.printed = printed
    }

    /// The layout's values, in `l`'s language, merged with a document's own.
    public func model(_ l: Localizer, _ document: [String: Any]) -> [String: Any] {
        let printed = l.tr("printed {date}", ["date": l.date(self.printed)])
        // TRANSLATORS: the page number at the bottom of a printed page; keep {page} and {pages}.
        let numbering = l.tr("page {page} of {pages}")
        return document.merging(
            [
                "lang": l.language, "title": title, "school": school, "printed": printed,
                "cssSchool": Self.cssString(school), "cssPrinted": Self.cssString(printed),
                "cssPage": Self.cssContent(numbering, counters: ["page": "counter(page)", "pages": "counter(pages)"]),
            ]
        ) { mine, _ in mine }
    }

    /// `text` as the inside of a CSS string: every character but letters, digits and spaces as a `\HEX ` escape,
    /// so nothing in it can end the string, the rule or the `<style>` element.
    static func cssString(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            if scalar == " " || (scalar.properties.isAlphabetic && scalar.value > 0x7F)
                || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            {
                escaped.unicodeScalars.append(scalar)
            } else {
                escaped += "\\" + String(scalar.value, radix: 16) + " "
            }
        }
        return escaped
    }

    /// A CSS `content` value from a translated sentence whose `{placeholders}` become CSS counters:
    /// `"page " counter(page) " of " counter(pages)`.
    static func cssContent(_ sentence: String, counters: [String: String]) -> String {
        var parts: [String] = []
        var rest = Substring(sentence)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}"),
            let counter = counters[String(rest[rest.index(after: open)..<close])]
        {
            parts.append("\"" + cssString(String(rest[..<open])) + "\"")
            parts.append(counter)
            rest = rest[rest.index(after: close)...]
        }
        parts.append("\"" + cssString(String(rest)) + "\"")
        return parts.joined(separator: " ")
    }
}
