import Testing
import YearCore

@Suite("Russian column headers of schools' exports")
struct RussianHeadersTests {
    @Test("every column of every kind has a Russian header, and no header names two columns of a kind")
    func complete() {
        for kind in RegistryKind.allCases {
            var seen: [String: String] = [:]
            for column in kind.columns {
                let headers = kind.russianHeaders[column.name] ?? []
                #expect(!headers.isEmpty, "\(kind).\(column.name) has no Russian header")
                for header in headers + [column.name] {
                    let folded = RegistryKind.foldedHeader(header)
                    if let other = seen[folded] {
                        #expect(other == column.name, "\(kind): '\(header)' names \(other) and \(column.name)")
                    }
                    seen[folded] = column.name
                    #expect(kind.column(forHeader: header) == column.name)
                }
            }
        }
    }

    @Test("a Russian header reads as its column, whatever the case, ё and spaces")
    func folding() {
        #expect(RegistryKind.students.column(forHeader: " ФАМИЛИЯ ") == "last_name")
        #expect(RegistryKind.students.column(forHeader: "дата  рожд.") == "birth_date")
        #expect(RegistryKind.students.column(forHeader: "№личного дела") == "personal_file_no")
        #expect(RegistryKind.students.column(forHeader: "Личное дело") == "personal_file_no")
        #expect(RegistryKind.staff.column(forHeader: "Учетная запись") == "login")
        #expect(RegistryKind.grades.column(forHeader: "Отметка") == "grade")
        #expect(RegistryKind.students.column(forHeader: "LAST_NAME") == "last_name")
        #expect(RegistryKind.students.column(forHeader: "Телефон") == nil)
    }

    @Test("a file with Russian headers reads exactly as the same file with English ones, for every kind")
    func sameRows() {
        for kind in RegistryKind.allCases {
            let english = kind.columns.map(\.name)
            let russian = kind.columns.map { kind.russianHeaders[$0.name]?.last ?? "" }
            let englishHeader = CSVHeader(english.reversed(), kind: kind)
            let russianHeader = CSVHeader(russian.reversed(), kind: kind)
            #expect(englishHeader.positions == russianHeader.positions, "\(kind)")
            #expect(russianHeader.missing.isEmpty && russianHeader.extra.isEmpty, "\(kind)")
        }
        // Both languages in one header: the second naming of a column is a repeat.
        let mixed = CSVHeader(["student_id", "Фамилия", "last_name", "first_name", "gender"], kind: .students)
        #expect(mixed.repeated == ["last_name"])
    }

    @Test("a header that is neither is named with the nearest known one")
    func nearest() {
        #expect(RegistryKind.students.nearestHeader(to: "Фамилея") == "Фамилия")
        #expect(RegistryKind.students.nearestHeader(to: "birth_dat") == "birth_date")
        #expect(RegistryKind.students.nearestHeader(to: "Любимый цвет") == nil)
        #expect(RegistryKind.students.nearestHeader(to: "Фамилия") == nil)
        let params = RegistryKind.students.missingColumnParameters("last_name", extra: ["Фамилея", "Цвет"])
        #expect(
            ImportProblem.message(params, .english)
                == "the header lacks the required column 'last_name' (in Russian 'Фамилия'); the file's column "
                + "'Фамилея' is not a known name: did you mean 'Фамилия'?")
    }
}
