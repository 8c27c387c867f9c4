import Foundation
import Testing
import YearCore
import YearLocale
import YearReports

/// The Russian catalogue as the package installs it: `po/ru.po` compiled by GNU msgfmt (package `gettext`, which
/// `scripts/install-test-deps` installs), read back through `Catalogues`.
@Suite("The installed Russian catalogue")
struct InstalledCatalogueTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A directory holding `ru/LC_MESSAGES/yeard.mo`, compiled from the sources' `po/ru.po` by `scripts/po`.
    static func compiled() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-locale-\(UUID())").path
        let process = Process()
        process.executableURL = repository.appendingPathComponent("scripts/po")
        process.arguments = ["compile", directory]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/po compile failed (is gettext's msgfmt installed?)")
        return directory
    }

    @Test("Russian plurals for 0, 1, 2, 5, 11, 12, 21, 22, 25, 101, 111 through the compiled catalogue")
    func plurals() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(Catalogues.available(in: [directory]) == ["ru"])
        let (l, warning) = Catalogues.localizer(for: "ru", in: [directory, "/nonexistent"])
        #expect(warning == nil)
        #expect(l.language == "ru")
        let words = [0, 1, 2, 5, 11, 12, 21, 22, 25, 101, 111].map { count in
            let sentence = YearError.importRefused(file: "a.csv", problems: [], count: count).message(l)
            return sentence.split(separator: ":")[1].split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
        }
        #expect(
            words == [
                "0 проблем", "1 проблема", "2 проблемы", "5 проблем", "11 проблем", "12 проблем", "21 проблема",
                "22 проблемы", "25 проблем", "101 проблема", "111 проблем",
            ])
        #expect(l.date("2026-09-01") == "01.09.2026")
        #expect(YearState.inProgress.name(l) == "идёт")
        #expect(Role.admin.name(l) == "сетевой администратор")
        #expect(PromotionOutcome.retained.name(l) == "оставлен на повторное обучение")
        #expect(
            YearError.selfApproval(id: 7).message(l)
                == "заявку 7 подали вы; одобрить её должен другой человек с ролью координатора")
    }

    @Test("a readiness report in Russian: title, verdict, plural counts, the school's clock, yes and no")
    func russianReport() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        let year = AcademicYear(
            id: 1, school: "school-a", label: YearLabel(startYear: 2026),
            startDate: try #require(CalendarDate(year: 2026, month: 9, day: 1)),
            endDate: try #require(CalendarDate(year: 2027, month: 5, day: 31)), state: .inProgress, version: 1)
        let at = try Date("2026-09-01T03:00:00Z", strategy: .iso8601)
        let check = try #require(CheckCatalogue.checks(for: .close).first)
        let run = CheckRun(
            id: 4, school: "school-a", year: year, startedAt: at, finishedAt: at.addingTimeInterval(0.048),
            cause: .manual, checks: CheckCatalogue.all.map(\.id),
            findings: [
                Finding(
                    check: check.id, severity: .error, entityKind: "student", entityID: "S1", className: "5А",
                    message: "x")
            ])
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        let report = CheckReport(readiness: .close, of: run)
        let text = try report.rendered(as: .text, l, zone: moscow)
        #expect(
            text.hasPrefix(
                "Готовность к закрытию: school-a, учебный год 2026/2027\nНЕ ГОТОВ к закрытию: ошибки проверок"))
        #expect(
            text.contains(
                "1 ошибка, 0 предупреждений из \(report.checks.count) проверок; прогон 4, 01.09.2026 06:00, 48 мс"))
        #expect(text.contains("ВАЖНОСТЬ") && text.contains("ошибка") && text.contains("да"))
        let html = try report.rendered(as: .html, l, zone: moscow)
        #expect(html.contains("<html lang=\"ru\">") && html.contains("Замечания по классам"))
        // JSON is for programs: the same whatever the language.
        #expect(try report.rendered(as: .json, l, zone: moscow) == report.rendered(as: .json))
    }

    /// Parameters of a finding of each check whose sentence `FindingMessages` says, one per variant.
    static let findingSamples: [(String, [String: String])] = {
        let person = ["name": "Ёлкин Пётр", "class": "5А"]
        func with(_ extra: [String: String]) -> [String: String] { person.merging(extra) { $1 } }
        return [
            ("student.birth-date-missing", person),
            (
                "student.age-implausible",
                with(["born": "2005-01-01", "age": "21", "grade": "5", "min": "10", "max": "13"])
            ),
            (
                "application.age-out-of-range",
                [
                    "name": "Юный Пётр", "id": "A1", "born": "2021-04-15", "years": "6", "months": "4",
                    "day": "2027-09-01", "v": "young",
                ]
            ),
            (
                "application.age-out-of-range",
                [
                    "name": "Юный Пётр", "id": "A1", "born": "2019-04-15", "years": "8", "months": "4",
                    "day": "2027-09-01", "v": "old",
                ]
            ),
            (
                "student.duplicate",
                ["name": "Ёлкин Пётр", "born": "2015-03-10", "n": "2", "records": "S1 (5А), S2 (5А)"]
            ),
            ("student.no-class", ["name": "Ёлкин Пётр"]), ("student.no-guardian", person),
            ("guardian.no-contact", ["name": "Ёлкина Анна", "children": "Ёлкин Пётр"]),
            ("guardian.phone-invalid", ["name": "Ёлкина Анна", "children": "Ёлкин Пётр", "phone": "12-34"]),
            ("consent.missing", person), ("consent.missing", with(["withdrawn": "2026-09-10"])),
            ("student.snils-invalid", with(["snils": "112-233-445 96"])), ("student.personal-file-missing", person),
            ("class.no-teacher", ["class": "5А"]), ("class.empty", ["class": "5Б"]),
            ("class.over-capacity", ["class": "5А", "students": "31", "places": "30", "v": "own"]),
            ("class.over-capacity", ["class": "5А", "students": "31", "places": "25", "v": "default"]),
            ("staff.duplicate", ["name": "Петрова Анна", "n": "2", "records": "T1, T3"]),
            ("curriculum.missing", ["grade": "11", "classes": "11А"]),
            ("period.missing", ["grade": "11", "classes": "11А"]),
            ("assignment.missing", ["class": "5Б", "subject": "Математика", "subject_id": "math"]),
            (
                "assignment.orphan",
                ["class": "5А", "teacher": "Сидоров Олег", "subject": "Окружающий мир", "grade": "5"]
            ),
            ("teacher.overload", ["teacher": "T1", "hours": "40", "max": "36"]),
            ("teacher.overload", ["teacher": "T1", "name": "Петрова Анна", "hours": "40", "max": "36"]),
            ("grade.final-missing", with(["subject": "Литература", "v": "graded"])),
            ("grade.final-missing", with(["subject": "ОРКСЭ", "v": "pass_fail"])), ("decision.missing", person),
            ("decision.order-missing", with(["outcome": "graduated", "v": "number"])),
            ("decision.order-missing", with(["outcome": "graduated", "v": "date"])),
            ("decision.order-missing", with(["outcome": "graduated", "v": "both"])),
            (
                "movement.unbalanced",
                ["class": "5А", "start": "25", "arrived": "1", "left": "0", "expected": "26", "now": "27"]
            ),
            ("decision.destination-missing", with(["v": "decision"])),
            (
                "decision.destination-missing",
                ["name": "Ёлкин Пётр", "order": "7-в", "date": "2026-10-01", "v": "order"]
            ),
            ("graduate.certificate-missing", with(["outcome": "graduated", "v": "secondary"])),
            ("graduate.certificate-missing", with(["outcome": "promoted", "v": "basic"])),
            ("debt.overdue", with(["subjects": "Математика", "deadline": "2026-09-15", "v": "deadline"])),
            ("debt.overdue", with(["subjects": "Математика", "v": "retakes"])),
            ("decision.retained-without-basis", person),
            ("graduate.exam-admission", with(["subjects": "math"])),
            ("graduate.exam-admission", with(["debts": "math"])),
            (
                "student.multiple-classes",
                with([
                    "snils": "11223344595",
                    "others": #"[{"class":"5Б","id":"B1","school":"school-b"},{"class":"6А","id":"S7"}]"#,
                ])
            ),
            (
                "decision.inconsistent",
                with([
                    "reasons":
                        #"[{"r":"failing","outcome":"promoted","subjects":"math"},{"r":"not-graduating","grade":5},{"r":"last-grade","outcome":"promoted","grade":11},{"r":"stage-end","grade":9,"next":10},{"r":"target","outcome":"retained","target":"6А","grade":5},{"r":"target-above","outcome":"adapted","target":"8А","grade":6}]"#
                ])
            ),
            (
                "movement.order-missing",
                [
                    "name": "Ёлкин Пётр",
                    "stays":
                        #"[{"r":"was","class":"5А","from":"2026-09-15","to":"2026-10-01"},{"r":"came","class":"5Б","from":"2026-10-02"},{"r":"left","class":"5Б","to":"2026-11-01"}]"#,
                ]
            ),
            ("schedule.hours-mismatch", ["class": "5А", "periods": "1", "subject": "math", "hours": "2"]),
            (
                "schedule.hours-mismatch",
                ["class": "5А", "group": "1", "periods": "1", "subject": "math", "hours": "2"]
            ),
            ("schedule.hours-mismatch", ["class": "5Б", "v": "none"]),
            (
                "schedule.teacher-conflict",
                [
                    "teacher": "T1", "name": "Петрова Анна",
                    "classes": #"[{"class":"11А"},{"class":"5А","group":"1"}]"#,
                    "weekday": "1", "period": "2",
                ]
            ),
            (
                "schedule.teacher-conflict",
                ["teacher": "T1", "classes": #"[{"class":"11А"},{"class":"5А"}]"#, "weekday": "3", "period": "2"]
            ),
            ("schedule.room-conflict", ["room": "101", "classes": #"["11А","5А"]"#, "weekday": "5", "period": "1"]),
            (
                "schedule.class-conflict",
                [
                    "class": "5А", "n": "2", "weekday": "1", "period": "1",
                    "lessons": #"[{"subject":"rus"},{"subject":"math","group":"1"}]"#,
                ]
            ),
        ]
    }()

    @Test("every finding sentence the catalogue says has its Russian, with days as Russian writes them")
    func findingSentences() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        let sampled = Set(Self.findingSamples.map(\.0))
        for check in CheckCatalogue.all.map(\.id) { #expect(sampled.contains(check), "\(check) has no sample") }
        for (check, params) in Self.findingSamples {
            let english = try #require(FindingMessages.message(check: check, params: params, .english), "\(check)")
            let russian = try #require(FindingMessages.message(check: check, params: params, l), "\(check)")
            #expect(russian != english && !russian.contains("{"), "\(check): \(russian)")
            #expect(!russian.contains(#/\d{4}-\d\d-\d\d/#), "\(check): \(russian)")
        }
        #expect(
            FindingMessages.message(
                check: "consent.missing", params: ["name": "Ёлкин Пётр", "class": "5А", "withdrawn": "2026-09-10"], l)
                == "Ёлкин Пётр (5А): согласие на обработку персональных данных отозвано 10.09.2026, действующего нет")
        // A parameter missing: nil, and the stored English sentence is shown; a value holding braces is just text.
        #expect(FindingMessages.message(check: "class.empty", params: [:], l) == nil)
        #expect(
            FindingMessages.message(check: "student.no-class", params: ["name": "{x}"], l)
                == "{x} не состоит ни в одном классе учебного года и не выбыл(а) из школы")
        #expect(FindingMessages.message(check: "no.such-check", params: ["class": "5А"], l) == nil)
    }

    @Test("an import's problems of a row and of its references are said in Russian, days as Russian writes them")
    func importProblems() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        let problem = ImportProblem(
            line: 7, column: 2, field: "student_id", params: ["code": "no-student", "value": "S9"])
        #expect(problem.message == "no student S9; import the students first")
        #expect(problem.description(l) == "7:2 (student_id): нет ученика S9; сначала загрузите учеников")
        let late = ImportProblem(
            line: 3, column: 4, field: "taken_on", params: ["code": "retake-late", "value": "2027-10-01"])
        #expect(late.message(l).hasPrefix("пересдача 01.10.2027 — после срока"))
        let unknown = ImportProblem(line: 1, column: 0, field: nil, message: "English only")
        #expect(unknown.message(l) == "English only")
    }

    @Test("every import problem's code is said in English and Russian, each of its placeholders filled")
    func everyImportProblemCode() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        // The codes as ImportProblem.message knows them, read from its source so that a new code is tested too.
        let source = try String(
            contentsOf: Self.repository.appendingPathComponent("Sources/YearCore/Registry/ImportProblem.swift"),
            encoding: .utf8)
        let sentences = source.components(separatedBy: "public enum RegistryValues")[0]
        let codes = Set(
            sentences.matches(of: /case "([a-z0-9-]+)"/).map { String($0.output.1) }.filter {
                $0.contains { $0.isLetter }
            })
        #expect(codes.count >= 70, "\(codes.count) codes found")
        let full = [
            "value": "5А", "got": "x", "fields": "3", "expected": "4", "char": "U+0007", "at": "3", "min": "1",
            "max": "5", "words": "2, 3", "bytes": "1048576", "byte": "0xFF", "encoding": "Windows-1251",
            "column": "last_name", "russian": "Фамилия", "file_column": "Фамилея", "near": "Фамилия",
            "columns": "student_id", "count": "1", "year": "2026/2027", "file_class": "5А", "as_of": "2026-09-21",
            "current": "5Б", "since": "2026-09-01", "order_no": "21-п", "left_on": "2026-10-01", "on": "2026-10-02",
            "order_kind": "enrollment", "grade": "9", "last_day": "2027-06-30", "part": "xl/worksheets/sheet1.xml",
            "cell": "E7",
            "limit": "200", "sheet": "Лист1", "sheets": "'Лист2'",
        ]
        // Without what some sentences say only when it is known (an order's number, the Russian name of a column).
        var short = full
        for key in ["order_no", "russian", "near", "file_column"] { short[key] = nil }
        for code in codes.sorted() {
            for sample in [full, short] {
                var params = sample
                params["code"] = code
                let english = try #require(ImportProblem.message(params, .english), "\(code) has no sentence")
                let russian = try #require(ImportProblem.message(params, l))
                #expect(!english.contains("{") && !russian.contains("{"), "\(code): \(russian)")
                #expect(russian != english && russian.contains { ("а"..."я").contains($0) }, "\(code): \(russian)")
            }
        }
        let day = ImportProblem.message(["code": "enrolled-after-year", "on": "2027-06-01"], l)
        #expect(day == "зачислен 01.06.2027, после последнего дня учебного года")
        let kind = ImportProblem.message(["code": "order-needs-class", "order_kind": "transfer_in"], l)
        #expect(kind?.contains("«\(OrderKind.transferIn.name(l))»") == true)
    }

    @Test("every note (a plan's sentences, a refusal's reason) is said in English and Russian, placeholders filled")
    func everyNote() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        // The codes as the sources say them, so that a new code is tested too.
        var codes = Set<String>()
        for file in ["Rollover/Note+Plan.swift", "Note+Refusals.swift"] {
            let source = try String(
                contentsOf: Self.repository.appendingPathComponent("Sources/YearCore/" + file), encoding: .utf8)
            codes.formUnion(source.matches(of: /case "([a-z0-9-]+)"/).map { String($0.output.1) })
        }
        // Not codes: the parts a rollover carries, the frames' subjects, the tables a refused undo names.
        codes.subtract([
            "curriculum", "class_teachers", "assignments", "profiles", "capacity", "student", "application", "guardian",
            "consent", "enrollment", "assignment", "decision", "certificate",
        ])
        #expect(codes.count >= 100, "\(codes.count) codes found")
        let full = [
            "outcome": "promoted", "from_class": "5А", "target": "7А", "grade": "5", "next": "6", "target_grade": "7",
            "debts": "алгебра", "subjects": "Алгебра, Физика", "application": "A1", "birth_text": "1.2.x",
            "class": "6А", "birth": "2021-03-02", "years": "6", "months": "5", "first_day": "2027-09-01",
            "year": "2027/2028", "state": "in_progress", "count": "21", "from_year": "2026/2027", "ids": "S1",
            "student": "Петров Пётр", "first": "1", "last": "11", "students": "31", "capacity": "30",
            "from": "2026/2027", "to": "2027/2028", "start": "2027-09-01", "end": "2028-05-31",
            "outcome_promoted": "20", "outcome_none": "1", "sources": "9А, 9Б", "kept": "9А", "other": "9Б",
            "profile": "-", "names": "1А, 10А", "created": "2", "placed": "3", "list": "Юный Пётр -> 10А",
            "what": "curriculum,class_teachers", "check": "consent.missing", "rollover": "4",
            "teacher_role": "class", "teacher_id": "T1", "teacher_name": "Петрова Анна",
            "table": "school_class", "now": "3", "got": "x", "min": "1", "max": "1000", "kib": "512", "actual": "ab12",
            "expected": "cd34", "size": "64 MiB",
            "column": "colour", "columns": "student_id, last_name", "kind": "students", "kinds": "students, staff",
            "date": "2027-06-30", "second": "2028", "school": "school-a", "schools": "school-a, school-b",
            "checks": "'x.y'", "guardian": "G1", "request": "7", "classes": "9А, 9Б", "last_day": "2028-05-31",
            "number": "45-к",
        ]
        for code in codes.sorted() {
            for about in [[:], ["about": "student", "student_id": "S1"], ["about": "application", "name": "Юный"]] {
                let note = Note(code, full.merging(about) { $1 })
                let english = note.english, russian = note.message(l)
                #expect(english != code, "\(code) has no sentence")
                #expect(!english.contains("{") && !russian.contains("{"), "\(code): \(russian)")
                #expect(russian != english && russian.contains { ("а"..."я").contains($0) }, "\(code): \(russian)")
            }
        }
        #expect(
            Note(
                "admission-young", ["birth": "2021-03-02", "years": "6", "months": "5", "first_day": "2027-09-01"]
            )
            .message(l).hasPrefix("дата рождения 02.03.2021, на 01.09.2027 — 6 лет 5 месяцев: младше"))
        #expect(
            Note("summary-students", ["count": "3", "outcome_promoted": "2", "outcome_retained": "1"]).message(l)
                == "3 ученика: переведён: 2, оставлен на повторное обучение: 1")
        // A text parameter refused for a control character says what an import of it says.
        let control = DisplaySafety.problemParameters((position: 10, scalar: "\u{1B}"))
        let refusal = YearError.invalidParameter(
            field: "reason", reason: "r", note: Note(control["code"] ?? "", control))
        #expect(
            refusal.message(l)
                == "неверный параметр «reason»: содержит управляющий символ U+001B в позиции 10; удалите его "
                + "(управляющие символы и символы смены направления текста не сохраняются)")
        // A note this version does not know (a newer daemon's, or a stored English line) says itself.
        #expect(Note("class 5А closes").message(l) == "class 5А closes")
    }

    @Test("every message of the catalogue is translated: none renders as its English source")
    func everyMessageTranslated() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        // Messages whose Russian is the same text (ID, a placeholder pattern) are listed by their keys.
        let identical: Set<String> = [
            "table heading\u{4}ID", "{check} ({count})", "date and time format\u{4}{date} {time}", "{moment} UTC",
            "{student} ({student_id}, {from_class}): {reason}", "{years} {months}",
        ]
        for (key, forms) in l.catalogue.translations where !identical.contains(key) {
            let english = key.split(separator: "\u{4}").last.map(String.init) ?? key
            #expect(forms.allSatisfy { !$0.isEmpty && $0 != english }, "\(key)")
        }
        #expect(l.catalogue.pluralRule?.count == 3)
    }

    @Test("a broken catalogue file gives English with a warning naming it; no catalogue gives English silently")
    func brokenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-broken-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(
            atPath: directory + "/ru/LC_MESSAGES", withIntermediateDirectories: true)
        try Data("not a catalogue".utf8).write(to: URL(fileURLWithPath: directory + "/ru/LC_MESSAGES/yeard.mo"))
        let (l, warning) = Catalogues.localizer(for: "ru", in: [directory])
        #expect(l.language == "en")
        #expect(warning?.contains(directory + "/ru/LC_MESSAGES/yeard.mo") == true)
        let (none, noWarning) = Catalogues.localizer(for: "fr", in: [directory])
        #expect(none.language == "en" && noWarning == nil)
    }

    @Test("YEARD_LOCALEDIR comes first, /usr/share/locale last")
    func directories() {
        let found = Catalogues.directories(environment: ["YEARD_LOCALEDIR": "/tmp/x"])
        #expect(found.first == "/tmp/x")
        #expect(found.last == "/usr/share/locale")
        #expect(SystemLocale.isInstalled("C.UTF-8"))
        #expect(!SystemLocale.isInstalled("xx_YY.UTF-8"))
    }
}
