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
        let text = report.rendered(as: .text, l, zone: moscow)
        #expect(
            text.hasPrefix(
                "Готовность к закрытию: school-a, учебный год 2026/2027\nНЕ ГОТОВ к закрытию: ошибки проверок"))
        #expect(
            text.contains(
                "1 ошибка, 0 предупреждений из \(report.checks.count) проверок; прогон 4, 01.09.2026 06:00, 48 мс"))
        #expect(text.contains("ВАЖНОСТЬ") && text.contains("ошибка") && text.contains("да"))
        let html = report.rendered(as: .html, l, zone: moscow)
        #expect(html.contains("<html lang=\"ru\">") && html.contains("Замечания по классам"))
        // JSON is for programs: the same whatever the language.
        #expect(report.rendered(as: .json, l, zone: moscow) == report.rendered(as: .json))
    }

    @Test("every message of the catalogue is translated: none renders as its English source")
    func everyMessageTranslated() throws {
        let directory = try Self.compiled()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (l, _) = Catalogues.localizer(for: "ru", in: [directory])
        // Messages whose Russian is the same text (ID, a placeholder pattern) are listed by their keys.
        let identical: Set<String> = [
            "table heading\u{4}ID", "{check} ({count})", "date and time format\u{4}{date} {time}",
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
