import Foundation
import YearCore

@testable import YearDaemon

extension FuzzTarget {
    /// The CSV parser and each kind's row validation.
    ///
    /// The first byte picks the kind and the chunk size. Oracles: the file parsed in chunks gives exactly the records
    /// (or the error) of the file parsed whole; every problem names a line the file has and a column the row has;
    /// (the record's or the header's, where a short row lacks a required cell); every valid row has a value per column, and no value holds a control character or a bidi override.
    static let csv = FuzzTarget(name: "csv") { input in
        guard let first = input.first else { return }
        let kind = RegistryKind.allCases[Int(first) % RegistryKind.allCases.count]
        let chunk = Int(first >> 4) + 1
        let file = Array(input.dropFirst())
        func parse(chunked: Bool) -> Result<[CSVRecord], CSVSyntaxError> {
            var parser = CSVParser(maximumFieldBytes: 256, maximumFields: 32)
            var records: [CSVRecord] = []
            do {
                if chunked {
                    var offset = 0
                    while offset < file.count {
                        try parser.feed(file[offset..<min(offset + chunk, file.count)]) { records.append($0) }
                        offset += chunk
                    }
                } else {
                    try parser.feed(file) { records.append($0) }
                }
                try parser.finish { records.append($0) }
                return .success(records)
            } catch let error as CSVSyntaxError {
                return .failure(error)
            } catch {
                fail("the parser threw \(error)", input: input)
            }
        }
        let whole = parse(chunked: false)
        if whole != parse(chunked: true) { fail("chunked parsing differs from whole-file parsing", input: input) }
        guard case .success(let records) = whole, let header = records.first else { return }
        // Lines as the parser counts them: LF, CR LF and a lone CR each end one.
        let lines =
            1
            + zip(file, file.dropFirst().map(Optional.some) + [nil]).filter { byte, next in
                byte == 0x0A || (byte == 0x0D && next != 0x0A)
            }.count
        let columns = CSVHeader(header.fields, kind: kind)
        for record in records.dropFirst() {
            switch kind.validate(record, header: columns) {
            case .success(let row):
                if row.values.count != kind.columns.count { fail("a row without a value per column", input: input) }
                for value in row.values.compactMap({ $0 }) where value.unicodeScalars.contains(where: Self.isControl) {
                    fail("a validated value holds a control character: \(value.debugDescription)", input: input)
                }
            case .failure(let problems):
                for problem in problems
                where problem.line < 1 || problem.line > lines || problem.column < 0
                    || problem.column > max(record.fields.count, header.fields.count) + 1
                {
                    fail("a problem at \(problem.line):\(problem.column) outside the file", input: input)
                }
            }
        }
    }

    /// Whether a scalar is one no imported value may hold: C0 controls but tab, DEL, C1 controls and the
    /// bidirectional overrides and isolates that reorder what a terminal or a spreadsheet shows.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x08, 0x0A...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// The configuration reader: `yeard.toml` as root writes it, and anything else.
    ///
    /// Oracle: a text either gives a configuration or throws; a configuration's schools have valid ids and its
    /// limits are positive.
    static let toml = FuzzTarget(name: "toml") { input in
        guard let configuration = try? DaemonConfiguration.parse(String(decoding: input, as: UTF8.self), source: "fuzz")
        else { return }
        if configuration.schools.contains(where: { !School.isValidID($0.id) }) {
            fail("a configuration with an invalid school id", input: input)
        }
        if configuration.maxMessageBytes <= 0 || configuration.maxConnections <= 0 {
            fail("a configuration with a limit that is not positive", input: input)
        }
    }

    /// The schedule parser and its next and previous times.
    ///
    /// The first byte picks the time zone. Oracles: a schedule's next time is after the instant, and the previous
    /// time at or before that next time is that time itself.
    static let cron = FuzzTarget(name: "cron") { input in
        guard let first = input.first else { return }
        let zones = ["UTC", "Europe/Moscow", "Asia/Vladivostok", "America/New_York", "Europe/London"]
        guard let zone = TimeZone(identifier: zones[Int(first) % zones.count]),
            let schedule = try? CronSchedule(String(decoding: input.dropFirst(), as: UTF8.self))
        else { return }
        let instant = Date(timeIntervalSince1970: 1_788_000_000 + Double(first) * 3_607)
        guard let next = schedule.next(after: instant, timeZone: zone) else { return }
        if next <= instant { fail("next(after:) is not after the instant", input: input) }
        if schedule.previous(atOrBefore: next, timeZone: zone) != next {
            fail("previous(atOrBefore: next) is not next", input: input)
        }
    }

    /// The parsers of single values: dates, month-days, year labels, class names, SNILS, marks, genders, numbers.
    ///
    /// Oracles: every parser accepts its own canonical output and gives the same value back; an ISO date and a
    /// year label are accepted only in their canonical form.
    static let values = FuzzTarget(name: "values") { input in
        let text = String(decoding: input, as: UTF8.self)
        if let date = RegistryValues.date(text), RegistryValues.date(date.description) != date {
            fail("a date does not round-trip", input: input)
        }
        if let iso = CalendarDate(iso: text), iso.description != text {
            fail("an ISO date accepted in a form other than its own: \(iso)", input: input)
        }
        if let day = MonthDay(text), day.description != text {
            fail("a month-day accepted in a form other than its own: \(day)", input: input)
        }
        if let label = YearLabel(text), label.description != text {
            fail("a year label accepted in a form other than its own: \(label)", input: input)
        }
        if let name = RegistryValues.className(text) {
            guard let again = RegistryValues.className(name.name), again == name else {
                fail("a class name does not round-trip: \(name.name)", input: input)
            }
            if !(1...12).contains(name.grade) { fail("a class of grade \(name.grade)", input: input) }
        }
        if let snils = RegistryValues.snils(text), RegistryValues.snils(snils) != snils || snils.utf8.count != 11 {
            fail("a SNILS does not round-trip", input: input)
        }
        if let mark = RegistryValues.mark(text), RegistryValues.mark(mark) != mark {
            fail("a mark does not round-trip", input: input)
        }
        if let gender = RegistryValues.gender(text), RegistryValues.gender(gender) != gender {
            fail("a gender does not round-trip", input: input)
        }
        if let number = RegistryValues.integer(text, in: -1000...1000),
            RegistryValues.integer(String(number), in: -1000...1000) != number
        {
            fail("a number does not round-trip", input: input)
        }
        if let id = RegistryValues.identifier(text), RegistryValues.identifier(id) != id {
            fail("an id does not round-trip", input: input)
        }
    }
}

extension FuzzTarget {
    /// The message catalogue's readers: a `.mo` file, a `Plural-Forms` header, and the encoding sniffer of registry
    /// files.
    ///
    /// Oracles: a catalogue that loads renders every message it holds to its translation or to the English text,
    /// with no placeholder left unfilled; a plural rule that parses gives every number a form within its count; the
    /// UTF-8 validator agrees with the standard library's; a file sniffed as UTF-8 when whole is valid UTF-8.
    static let catalogue = FuzzTarget(name: "catalogue") { input in
        if let catalogue = try? MessageCatalogue(mo: input) {
            let l = Localizer(language: "xx", catalogue: catalogue)
            for key in catalogue.translations.keys.prefix(64) {
                let english = String(key.split(separator: "\u{4}").last ?? Substring(key))
                let arguments = Dictionary(
                    uniqueKeysWithValues: Localizer.placeholders(in: english).map { ($0, "·") })
                let text = l.tr(english, arguments)
                if !Localizer.placeholders(in: english).isEmpty
                    && !Localizer.placeholders(in: text).isDisjoint(with: Localizer.placeholders(in: english))
                {
                    fail("a placeholder left unfilled in \(text.debugDescription)", input: input)
                }
                for n in [0, 1, 2, 5, 11, 21, 101] { _ = l.trn(english, english, n, arguments) }
            }
        }
        let header = String(decoding: input, as: UTF8.self)
        if let rule = PluralRule(header: header) {
            for n in [0, 1, 2, 3, 4, 5, 10, 11, 12, 21, 22, 100, 101, 111, 1_000_000] {
                if !(0..<rule.count).contains(rule.form(for: n)) { fail("a plural form out of range", input: input) }
            }
        }
        let valid = String(validating: input, as: UTF8.self) != nil
        if TextEncoding.isValidUTF8(input, allowCutEnd: false) != valid {
            fail("the UTF-8 validator disagrees with the standard library's", input: input)
        }
        if TextEncoding.sniff(input, isWhole: true) == .utf8 && !valid && TextEncoding.byteOrderMark(input) == nil {
            fail("a whole file sniffed as UTF-8 is not UTF-8", input: input)
        }
    }
}
