import Foundation
import Testing
import YearCore

@Suite("Registry values and rows")
struct RegistryValueTests {
    @Test("dates in both exported forms, genders in both alphabets, class names with Latin look-alikes")
    func values() {
        #expect(RegistryValues.date("01.09.2026")?.description == "2026-09-01")
        #expect(RegistryValues.date("2026-09-01")?.description == "2026-09-01")
        #expect(RegistryValues.date("31.02.2026") == nil)
        #expect(RegistryValues.date("1.9.2026") == nil)
        #expect(
            RegistryValues.gender("м") == "M" && RegistryValues.gender("Ж") == "F" && RegistryValues.gender("x") == nil)
        #expect(RegistryValues.className("5А")?.name == "5А")
        #expect(RegistryValues.className("10 б")?.name == "10Б")
        #expect(RegistryValues.className("5A")?.name == "5А")
        #expect(RegistryValues.className("13А") == nil && RegistryValues.className("5АБ") == nil)
        #expect(RegistryValues.snils("123-456-789 01") == "12345678901" && RegistryValues.snils("123") == nil)
    }

    @Test("grades as schools write them: marks, зачёт and незачёт, освобождён; nothing else")
    func marks() {
        let cases: [(String, String?)] = [
            ("5", "5"), ("2", "2"), ("pass", "pass"), ("Зачёт", "pass"), ("зачтено", "pass"), ("зач.", "pass"),
            ("незачет", "fail"), ("Не зачтено", "fail"), ("fail", "fail"), ("освобождена", "exempt"),
            ("осв.", "exempt"), ("exempt", "exempt"), ("1", nil), ("6", nil), ("отлично", nil), ("", nil),
        ]
        for (text, stored) in cases { #expect(RegistryValues.mark(text) == stored, "\(text)") }
    }

    @Test("a row is checked column by column, each problem with its line and column")
    func rowProblems() {
        let header = CSVHeader(
            ["student_id", "last_name", "first_name", "birth_date", "gender", "colour"], kind: .students)
        #expect(header.extra == ["colour"])
        #expect(header.missing.isEmpty)
        let bad = CSVRecord(fields: ["S1", "Ёлкин", "", "30.02.2015", "X", "red"], line: 7)
        guard case .failure(let problems) = RegistryKind.students.validate(bad, header: header) else {
            Issue.record("must be refused")
            return
        }
        #expect(problems.map(\.column) == [3, 4, 5])
        #expect(problems.allSatisfy { $0.line == 7 })
        let good = CSVRecord(fields: ["S1", " Ёлкин ", "Пётр", "01.03.2015", "м", "red"], line: 8)
        guard case .success(let row) = RegistryKind.students.validate(good, header: header) else {
            Issue.record("must pass")
            return
        }
        #expect(RegistryKind.students.value("last_name", in: row) == "Ёлкин")
        #expect(RegistryKind.students.value("birth_date", in: row) == "2015-03-01")
        #expect(RegistryKind.students.value("gender", in: row) == "M")
        #expect(RegistryKind.students.value("class", in: row) == nil)
        #expect(
            CSVHeader(["student_id"], kind: .students).missing == ["last_name", "first_name", "gender"])
    }

    @Test("exported lines quote only what needs quoting")
    func writer() {
        #expect(
            CSVWriter.line(["a", nil, "b,c", "say \"hi\"", "two\nlines"])
                == "a,,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\n")
    }

    @Test("a header cell far longer than any header names no column and is no typo of one")
    func longHeaders() {
        #expect(RegistryKind.students.column(forHeader: " фамилия ") == "last_name")
        let long = String(repeating: "Фамилия ", count: 40)
        #expect(RegistryKind.students.column(forHeader: long) == nil)
        #expect(RegistryKind.students.nearestHeader(to: long) == nil)
    }
}

@Suite("The formats document")
struct FormatsDocumentTests {
    @Test("docs/formats.md gives every kind's header exactly as the code reads and writes it")
    func headersDocumented() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/formats.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for kind in RegistryKind.allCases {
            #expect(text.contains(kind.columns.map(\.name).joined(separator: ",")), "\(kind)")
        }
    }
}
