import Foundation
import Testing
import YearCore

/// Writes a GNU `.mo` file as msgfmt lays it out (header, two string tables, no hash table), for catalogues the
/// tests make by hand; `bigEndian` writes the other byte order, which the format allows.
func moBytes(_ entries: [(original: String, translation: String)], bigEndian: Bool = false) -> [UInt8] {
    let sorted = entries.sorted { Array($0.original.utf8).lexicographicallyPrecedes(Array($1.original.utf8)) }
    var bytes: [UInt8] = []
    func word(_ value: Int) {
        let v = UInt32(value)
        let le = [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
        bytes += bigEndian ? le.reversed() : le
    }
    let headerSize = 28
    let originalsAt = headerSize
    let translationsAt = originalsAt + 8 * sorted.count
    var stringsAt = translationsAt + 8 * sorted.count
    var strings: [UInt8] = []
    var originalTable: [(Int, Int)] = []
    var translationTable: [(Int, Int)] = []
    for entry in sorted {
        let data = Array(entry.original.utf8)
        originalTable.append((data.count, stringsAt + strings.count))
        strings += data + [0]
    }
    for entry in sorted {
        let data = Array(entry.translation.utf8)
        translationTable.append((data.count, stringsAt + strings.count))
        strings += data + [0]
    }
    stringsAt += 0
    word(0x9504_12de)
    word(0)
    word(sorted.count)
    word(originalsAt)
    word(translationsAt)
    word(0)
    word(stringsAt)
    for (length, offset) in originalTable + translationTable {
        word(length)
        word(offset)
    }
    return bytes + strings
}

let russianPlurals =
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"

@Suite("Plural rules as gettext writes them")
struct PluralRuleTests {
    @Test("Russian takes one / few / many: 1 ученик, 2 ученика, 5 учеников, 21 ученик")
    func russian() throws {
        let rule = try #require(PluralRule(header: russianPlurals))
        #expect(rule.count == 3)
        let numbers = [0, 1, 2, 5, 11, 12, 21, 22, 25, 101, 111, 1_000_001]
        #expect(numbers.map(rule.form(for:)) == [2, 0, 1, 2, 2, 2, 0, 1, 2, 0, 2, 0])
    }

    @Test("other languages' rules: French, Japanese, Polish, Arabic's six forms")
    func others() throws {
        let french = try #require(PluralRule(header: "nplurals=2; plural=(n > 1);"))
        #expect([0, 1, 2].map(french.form(for:)) == [0, 0, 1])
        let japanese = try #require(PluralRule(header: "nplurals=1; plural=0;"))
        #expect([0, 1, 7].map(japanese.form(for:)) == [0, 0, 0])
        let polish = try #require(
            PluralRule(
                header: "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"))
        #expect([1, 2, 5, 22, 25].map(polish.form(for:)) == [0, 1, 2, 1, 2])
        let arabic = try #require(
            PluralRule(
                header:
                    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
            ))
        #expect([0, 1, 2, 3, 11, 100].map(arabic.form(for:)) == [0, 1, 2, 3, 4, 5])
        #expect([0, 1, 2].map(PluralRule.english.form(for:)) == [1, 0, 1])
    }

    @Test("a malformed rule is refused, a hostile one cannot crash, division by zero gives 0")
    func malformed() throws {
        for header in [
            "", "nplurals=3;", "plural=n!=1;", "nplurals=0; plural=0;", "nplurals=3; plural=n%;",
            "nplurals=3; plural=(n==1;", "nplurals=2; plural=n x 1;", "nplurals=2; plural=n ? 1;",
            "nplurals=2; plural=99999999999999999999999;",
            "nplurals=2; plural=" + String(repeating: "(", count: 5000) + "n"
                + String(repeating: ")", count: 5000) + ";",
            "nplurals=2; plural=" + String(repeating: "!", count: 5000) + "n;",
        ] {
            #expect(PluralRule(header: header) == nil, "\(header.prefix(40))")
        }
        // A chain as long as a hostile header likes is refused, not built into a tree that deep.
        #expect(
            PluralRule(
                header: "nplurals=2; plural=" + Array(repeating: "n", count: 100_000).joined(separator: "+") + ";")
                == nil)
        let divide = try #require(PluralRule(header: "nplurals=2; plural=10 / n % 2;"))
        #expect(divide.form(for: 0) == 0)
        // A rule that computes more forms than it declares gives the last one.
        let over = try #require(PluralRule(header: "nplurals=2; plural=n;"))
        #expect(over.form(for: 7) == 1)
        // `&&` short-circuits as C's does.
        let guarded = try #require(PluralRule(header: "nplurals=2; plural=n != 0 && 10 / n == 2;"))
        #expect([0, 5, 3].map(guarded.form(for:)) == [0, 1, 0])
    }
}

@Suite("Message catalogues and the localizer")
struct LocalizerTests {
    static func russian() throws -> Localizer {
        let bytes = moBytes([
            ("", "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: \(russianPlurals)\n"),
            ("year state\u{4}closed", "закрыт"),
            ("date format\u{4}{year}-{month}-{day}", "{day}.{month}.{year}"),
            ("thousands separator\u{4}(none)", " "), ("decimal separator\u{4}.", ","),
            ("{count} student\u{0}{count} students", "{count} ученик\u{0}{count} ученика\u{0}{count} учеников"),
            ("Hello {name}", "Здравствуйте, {name}"),
            ("Lost {name}", "Потерян"),
            ("Unknown {name}", "Неизвестно {who}"),
            ("{count} row\u{0}{count} rows", "{count} строка\u{0}{count} строки"),
            ("{count} class\u{0}{count} classes", "один класс\u{0}{count} класса\u{0}{count} классов"),
        ])
        return Localizer(language: "ru", catalogue: try MessageCatalogue(mo: bytes))
    }

    @Test("a catalogue read from .mo bytes translates, with its context and its plural forms")
    func translates() throws {
        let l = try Self.russian()
        #expect(l.trc("year state", "closed") == "закрыт")
        #expect(l.tr("closed") == "closed")
        #expect(l.tr("Hello {name}", ["name": "Анна"]) == "Здравствуйте, Анна")
        let students = [0, 1, 2, 5, 11, 12, 21, 22, 25, 101, 111].map {
            l.trn("{count} student", "{count} students", $0)
        }
        #expect(
            students == [
                "0 учеников", "1 ученик", "2 ученика", "5 учеников", "11 учеников", "12 учеников", "21 ученик",
                "22 ученика", "25 учеников", "101 ученик", "111 учеников",
            ])
        #expect(l.trn("{count} student", "{count} students", 12_345) == "12 345 учеников")
        // A form may leave {count} out ("один класс").
        #expect(l.trn("{count} class", "{count} classes", 1) == "один класс")
        #expect(l.trn("{count} class", "{count} classes", 3) == "3 класса")
    }

    @Test("a missing or malformed translation gives the English message, never a raw key")
    func fallsBack() throws {
        let l = try Self.russian()
        #expect(l.tr("Not in the catalogue {x}", ["x": "1"]) == "Not in the catalogue 1")
        // The translation dropped or renamed a placeholder: the English sentence, complete, is the safe answer.
        #expect(l.tr("Lost {name}", ["name": "Анна"]) == "Lost Анна")
        #expect(l.tr("Unknown {name}", ["name": "Анна"]) == "Unknown Анна")
        // Two forms where Russian needs three.
        #expect(l.trn("{count} row", "{count} rows", 5) == "5 rows")
        #expect(Localizer.english.trn("{count} row", "{count} rows", 1) == "1 row")
        // Braces that are not placeholders, and values holding braces, stay as they are.
        #expect(Localizer.english.tr("{not a name} {x}", ["x": "{y}", "y": "no"]) == "{not a name} {y}")
    }

    @Test("dates, moments and counts in the language's forms")
    func forms() throws {
        let l = try Self.russian()
        #expect(l.date("2026-09-01") == "01.09.2026")
        #expect(Localizer.english.date("2026-09-01") == "2026-09-01")
        #expect(l.date("not a date") == "not a date")
        #expect(l.date("2026-9-1") == "2026-9-1")
        #expect(l.number(1234) == "1234")
        #expect(l.number(897_000) == "897 000")
        #expect(l.number(-1_234_567) == "-1 234 567")
        #expect(Localizer.english.number(897_000) == "897000")
        #expect(l.decimal(12345.56, fractionDigits: 1) == "12 345,6")
        #expect(l.decimal(0.05, fractionDigits: 2) == "0,05")
        #expect(l.decimal(-2, fractionDigits: 0) == "-2")
        #expect(Localizer.english.decimal(17.25, fractionDigits: 2) == "17.25")
        #expect(Localizer.english.decimal(.infinity, fractionDigits: 2) == "inf")
        #expect(Localizer.english.decimal(.nan, fractionDigits: 1) == "nan")
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        let instant = try Date("2026-09-01T05:30:00Z", strategy: .iso8601)
        #expect(l.moment(instant, in: moscow) == "01.09.2026 08:30")
        #expect(Localizer.english.moment(instant, in: .gmt) == "2026-09-01 05:30")
    }

    @Test("names sort in Russian alphabetical order, ё beside е, case aside")
    func sorting() {
        let names = ["Ёлкин", "Яковлев", "Егоров", "абрамов", "Жуков", "Ерёмин", "Ефимов"]
        #expect(
            Localizer.english.sorted(names, by: { $0 }) == [
                "абрамов", "Егоров", "Ёлкин", "Ерёмин", "Ефимов", "Жуков", "Яковлев",
            ])
    }

    @Test("a file that is not a UTF-8 .mo catalogue is refused with the reason")
    func refusesBadFiles() throws {
        #expect(throws: MessageCatalogue.LoadError.notMO) { try MessageCatalogue(mo: Array("hello".utf8)) }
        #expect(throws: MessageCatalogue.LoadError.notMO) {
            try MessageCatalogue(mo: [UInt8](repeating: 0, count: 64))
        }
        var truncated = moBytes([("a", "б")])
        truncated.removeLast(4)
        #expect(throws: MessageCatalogue.LoadError.truncated) { try MessageCatalogue(mo: truncated) }
        let latin = moBytes([("", "Content-Type: text/plain; charset=KOI8-R\n"), ("a", "b")])
        #expect(throws: MessageCatalogue.LoadError.notUTF8(charset: "koi8-r")) { try MessageCatalogue(mo: latin) }
        // Every cut of a valid file is refused or read, never a crash.
        let valid = moBytes([("", "Plural-Forms: \(russianPlurals)\n"), ("x", "у"), ("a\u{0}b", "1\u{0}2\u{0}3")])
        for length in 0..<valid.count { _ = try? MessageCatalogue(mo: Array(valid.prefix(length))) }
        // Every entry pointing at one large string: refused, not decoded entry by entry into memory.
        var shared: [UInt8] = []
        func word(_ value: Int) { shared += withUnsafeBytes(of: UInt32(value).littleEndian, Array.init) }
        let entries = 1000
        let stringAt = 28 + 16 * entries
        for value in [0x9504_12de, 0, entries, 28, 28 + 8 * entries, 0, stringAt] { word(value) }
        for _ in 0..<(2 * entries) {
            word(10_000)
            word(stringAt)
        }
        shared += [UInt8](repeating: 0x61, count: 10_001)
        #expect(throws: MessageCatalogue.LoadError.truncated) { try MessageCatalogue(mo: shared) }
        let swapped = try MessageCatalogue(mo: moBytes([("x", "у")], bigEndian: true))
        #expect(swapped.translations["x"] == ["у"])
    }
}

@Suite("Which language a command-line program speaks")
struct LanguageChoiceTests {
    static func choose(_ environment: [String: String], flag: String? = nil, installed: Bool = true) throws
        -> LanguageChoice
    {
        try LanguageChoice.choose(flag: flag, environment: environment, available: ["ru"]) { _ in installed }
    }

    @Test("LC_ALL over LC_MESSAGES over LANG, LANGUAGE's list first, C and unknown languages English")
    func environment() throws {
        #expect(try Self.choose(["LANG": "ru_RU.UTF-8"]).language == "ru")
        #expect(try Self.choose(["LANG": "ru_RU.UTF-8", "LC_MESSAGES": "C"]).language == "en")
        #expect(try Self.choose(["LANG": "C", "LC_MESSAGES": "ru_RU.UTF-8"]).language == "ru")
        #expect(try Self.choose(["LANG": "ru_RU.UTF-8", "LC_ALL": "en_US.UTF-8"]).language == "en")
        #expect(try Self.choose(["LC_ALL": "", "LANG": "ru_RU.UTF-8"]).language == "ru")
        #expect(try Self.choose(["LANG": "de_DE.UTF-8"]).language == "en")
        #expect(try Self.choose(["LANG": "de_DE.UTF-8", "LANGUAGE": "fr:ru"]).language == "ru")
        #expect(try Self.choose(["LANG": "C.UTF-8", "LANGUAGE": "ru"]).language == "en")
        #expect(try Self.choose(["LANG": "ru_UA.UTF-8@euro"]).language == "ru")
        #expect(try Self.choose([:]) == LanguageChoice(language: "en"))
    }

    @Test("a locale that is not installed gives English with one warning; --lang overrides everything")
    func overrides() throws {
        let fallback = try Self.choose(["LANG": "ru_RU.UTF-8"], installed: false)
        #expect(fallback.language == "en")
        #expect(fallback.warning?.contains("ru_RU.UTF-8") == true)
        #expect(try Self.choose(["LANG": "C"], flag: "ru", installed: false) == LanguageChoice(language: "ru"))
        #expect(try Self.choose([:], flag: "RU").language == "ru")
        #expect(
            try LanguageChoice.choose(flag: "PT_br", environment: [:], available: ["pt_BR"]) { _ in true }.language
                == "pt_BR")
        #expect(try Self.choose(["LANG": "ru_RU.UTF-8"], flag: "en").language == "en")
        #expect(throws: LanguageChoice.UnknownLanguage(requested: "de", available: ["en", "ru"])) {
            try Self.choose([:], flag: "de")
        }
        let error = LanguageChoice.UnknownLanguage(requested: "de", available: ["en", "ru"])
        #expect(error.message(.english) == "unknown language 'de' for --lang; the languages installed are: en, ru")
    }
}

@Suite("Which encoding a registry file is in")
struct TextEncodingTests {
    @Test("UTF-8, Windows-1251 and UTF-16 with a mark are told apart; KOI8-R and CP866 are not taken for 1251")
    func sniff() throws {
        let text = "Фамилия;Имя;Отчество\r\nЁлкин;Пётр;№ 5 «А»\r\n"
        #expect(TextEncoding.sniff(Array(text.utf8), isWhole: true) == .utf8)
        #expect(TextEncoding.sniff(Array("plain ascii".utf8), isWhole: true) == .utf8)
        let cp1251 = try #require(text.data(using: .windowsCP1251))
        #expect(TextEncoding.sniff([UInt8](cp1251), isWhole: true) == .windows1251)
        #expect(TextEncoding.sniff([0xFF, 0xFE, 0x41, 0x00], isWhole: true) == .utf16le)
        #expect(TextEncoding.sniff([0xFE, 0xFF, 0x00, 0x41], isWhole: true) == .utf16be)
        // Latin-1 / Windows-1252 accents sit among ASCII letters: not Cyrillic.
        #expect(
            TextEncoding.sniff(Array("1,M".utf8) + [0xFC] + Array("ller,Jos".utf8) + [0xE9, 0x0A], isWhole: true) == nil
        )
        // "Фамилия" in KOI8-R and in CP866.
        #expect(TextEncoding.sniff([0xE6, 0xC1, 0xCD, 0xC9, 0xCC, 0xC9, 0xD1], isWhole: true) == nil)
        #expect(TextEncoding.sniff([0x94, 0xA0, 0xAC, 0xA8, 0xAB, 0xA8, 0xEF], isWhole: true) == nil)
        // A prefix may end inside a character; the whole file may not.
        let cut = Array(Array("Ёлкин".utf8).dropLast())
        #expect(TextEncoding.sniff(cut, isWhole: false) == .utf8)
        #expect(TextEncoding.isValidUTF8(cut, allowCutEnd: false) == false)
    }

    @Test("malformed UTF-8 is refused: overlong forms, surrogates, past U+10FFFF, stray continuation bytes")
    func validation() {
        for bad: [UInt8] in [
            [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80],
            [0xFF],
        ] {
            #expect(!TextEncoding.isValidUTF8(bad, allowCutEnd: true), "\(bad)")
        }
        #expect(TextEncoding.isValidUTF8(Array("€𝄞ё".utf8), allowCutEnd: false))
        #expect(TextEncoding(named: "CP1251") == .windows1251 && TextEncoding(named: "utf-8") == .utf8)
        #expect(TextEncoding(named: "koi8-r") == nil)
    }
}
