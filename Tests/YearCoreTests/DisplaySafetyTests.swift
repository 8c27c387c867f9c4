import Foundation
import Testing

@testable import YearCore

@Suite("Text that reaches a terminal or a spreadsheet")
struct DisplaySafetyTests {
    @Test(
        "every C0 control but tab, DEL, every C1 control and every bidirectional control is forbidden",
        arguments: Array(0x00...0x1F) + [0x7F] + Array(0x80...0x9F)
            + [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
    func forbidden(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let text = "Ив" + String(Character(scalar)) + "анов"
        if value == 0x09 {
            #expect(DisplaySafety.firstForbidden(in: text) == nil)
        } else {
            let found = try #require(DisplaySafety.firstForbidden(in: text))
            #expect(found.position == 3 && found.scalar == scalar)
            #expect(!DisplaySafety.escaped(text, keepingLayout: value != 0x0A).unicodeScalars.contains(scalar))
        }
    }

    @Test("ordinary Russian text, typography and other scripts are allowed untouched")
    func ordinaryText() {
        for text in [
            "Ёлкин Пётр Ильич", "приказ № 121 от 24.08.2020 — «О переводе»", "Мария-Анна", "ул. Ленина, д. 5",
            "naïve café", "中文", "עברית", "العربية", "emoji 👩‍🏫", "tab\tinside", "\u{00A0}nbsp",
        ] {
            #expect(DisplaySafety.firstForbidden(in: text) == nil, "\(text)")
            #expect(DisplaySafety.escaped(text) == text)
            #expect(DisplaySafety.jsonEscaped(text) == text)
        }
    }

    @Test("a line feed is allowed only where asked, and kept by the escaping of yearctl's own layout")
    func lineFeed() {
        #expect(DisplaySafety.firstForbidden(in: "a\nb")?.position == 2)
        #expect(DisplaySafety.firstForbidden(in: "a\nb", allowingLineFeed: true) == nil)
        #expect(DisplaySafety.escaped("a\nb\u{1B}[2J") == "a\nb\\u{1B}[2J")
        #expect(DisplaySafety.escaped("a\nb\tc", keepingLayout: false) == "a\\u{A}b\\u{9}c")
    }

    @Test("JSON escaping gives the same value back and leaves no raw control on the terminal")
    func jsonEscaping() throws {
        let name = "Evil\u{1B}]0;pwned\u{07}\u{9B}\u{202E}txt.exe"
        let encoded = try JSONEncoder().encode(["name": name])
        let escaped = DisplaySafety.jsonEscaped(String(decoding: encoded, as: UTF8.self))
        #expect(!escaped.unicodeScalars.contains { DisplaySafety.isForbidden($0) })
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(escaped.utf8))
        #expect(decoded["name"] == name)
    }

    @Test("a registry cell with a NUL, an escape or an override is refused at its column, not cut or stored")
    func importRefusal() throws {
        let header = CSVHeader(
            ["student_id", "last_name", "first_name", "birth_date", "gender", "class"], kind: .students)
        let record = CSVRecord(fields: ["S1", "Nul\u{0}Name", "Иван", "2015-01-01", "M", "5А"], line: 7)
        guard case .failure(let problems) = RegistryKind.students.validate(record, header: header) else {
            Issue.record("a NUL inside a name was accepted")
            return
        }
        #expect(
            problems.map(\.description) == [
                "7:2 (last_name): holds the control character U+0000 at character 4; remove it "
                    + "(control characters and bidirectional overrides are not stored)"
            ])
    }
}

@Suite("CSV exports a spreadsheet cannot run")
struct FormulaProtectionTests {
    static let values = [
        "=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "\t=1", "\r=1", "'=1", "''=1",
        "'", "''", "'abc", "Иванов", "-", "-5", "+7 (999) 123-45-67", "3.5", "", "a=b", "'+7 999",
    ]

    @Test("formula-like fields get one leading quote, numbers and phone numbers none")
    func protection() {
        #expect(
            CSVWriter.line(["=1+1", "-5", "+7 (999) 123-45-67", "@x", "-x", "'=1", "'x"])
                == "'=1+1,-5,+7 (999) 123-45-67,'@x,'-x,''=1,'x\n")
        #expect(CSVWriter.line(["=1+1", "'=1"], raw: true) == "=1+1,'=1\n")
    }

    @Test("the import's unprotecting gives back exactly the stored text", arguments: values)
    func roundTrip(value: String) throws {
        var parser = CSVParser()
        var records: [CSVRecord] = []
        try parser.feed(Array(CSVWriter.line(["id", value]).utf8)) { records.append($0) }
        try parser.finish { records.append($0) }
        let written = try #require(records.first?.fields.last)
        #expect(CSVWriter.unprotected(written) == value)
        let text = try #require(records.first?.fields.last)
        #expect(!CSVWriter.needsProtection(text))
    }
}
