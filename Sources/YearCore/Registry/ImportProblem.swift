import Foundation

/// One problem of an imported file, where a person can find it: `students.csv:12:5 (birth_date): ...`, or in a
/// workbook `students.xlsx:Лист1!E7 (birth_date): ...`.
public struct ImportProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The 1-based line and column (field number); column 0 when the problem is the whole row or file, line 0 when
    /// it is the whole file and the file has no lines (a workbook that cannot be read). In a workbook the line is
    /// the sheet's row number and the column the sheet's column (1 is A).
    public var line: Int, column: Int
    /// The sheet of a workbook the problem is on (nil for a CSV file).
    public var sheet: String?
    /// The column's name, when there is one.
    public var field: String?
    /// What is wrong and what is expected, in English.
    public var message: String
    /// What the sentence is made of (`code` names it, `got` the text found...), from which `message(_:)` says it in
    /// any language; nil for a problem said in English only.
    public var params: [String: String]?

    /// A problem with every field given.
    public init(
        line: Int, column: Int, field: String?, message: String, params: [String: String]? = nil, sheet: String? = nil
    ) {
        self.sheet = sheet
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.params = params
    }

    /// A problem said from its parameters (`code` and what its sentence names): its English sentence is made here.
    public init(line: Int, column: Int, field: String?, params: [String: String], sheet: String? = nil) {
        self.init(
            line: line, column: column, field: field,
            message: ImportProblem.message(params, .english) ?? params["code"] ?? "", params: params, sheet: sheet)
    }

    /// `12:5 (birth_date): message`.
    public var description: String { description(.english) }

    /// `12:5 (birth_date): message`, the message in `l`'s language; in a workbook `Лист1!E7 (birth_date): message`
    /// (`Лист1!7:7` for a whole row, as a spreadsheet names a row); ` message` alone for a whole file that has no
    /// lines, so that `file:` before it reads `students.xlsx: message`.
    public func description(_ l: Localizer) -> String {
        let field = field.map { " (\($0))" } ?? ""
        guard line > 0 else { return " \(message(l))" }
        guard let sheet else { return "\(line):\(column)\(field): \(message(l))" }
        let cell = column > 0 ? "\(Self.columnLetters(column))\(line)" : "\(line):\(line)"
        return "\(Self.sheetReference(sheet))!\(cell)\(field): \(message(l))"
    }

    /// The letters of a 1-based column as a spreadsheet shows them: 1 is `A`, 27 is `AA`, 16,384 is `XFD`.
    public static func columnLetters(_ column: Int) -> String {
        var number = max(column, 1), text = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            text = String(UnicodeScalar(UInt8(65 + remainder))) + text
            number = (number - 1) / 26
        }
        return text
    }

    /// A sheet's name as a formula names it: quoted (`'Список 5А'`, a quote doubled) when it is not one word.
    public static func sheetReference(_ name: String) -> String {
        let plain = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        return plain ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The sentence in `l`'s language (the English `message` when there are no parameters to say it from).
    public func message(_ l: Localizer) -> String {
        params.flatMap { ImportProblem.message($0, l) } ?? message
    }

    /// The sentence of a problem's parameters in `l`'s language, or nil for a code not known here.
    public static func message(_ params: [String: String], _ l: Localizer) -> String? {
        var p = params
        // A day is written as the language writes days.
        let dated: Set<String> = [
            "withdrawn-before-signed", "deadline-too-late", "period-ends-before-start", "period-before-year",
            "period-after-year", "retake-late",
        ]
        if let code = p["code"], dated.contains(code), let value = p["value"] { p["value"] = l.date(value) }
        for key in ["on", "as_of", "since", "left_on", "last_day"] { if let day = p[key] { p[key] = l.date(day) } }
        if let kind = p["order_kind"].flatMap(OrderKind.init(rawValue:)) { p["order_kind"] = kind.name(l) }
        let text: String
        switch p["code"] {
        case "required": text = l.tr("a value is required")
        case "fields": text = l.tr("the row has {fields} fields, the header {expected}", p)
        case "control":
            text = l.tr(
                "holds the control character {char} at character {at}; remove it (control characters and bidirectional overrides are not stored)",
                p)
        case "id": text = l.tr("expected an id of 1-64 characters, got '{got}'", p)
        case "name-length": text = l.tr("a name part of at most 100 characters")
        case "text-length": text = l.tr("at most 500 characters")
        case "date": text = l.tr("expected a date as 2026-09-01 or 01.09.2026, got '{got}'", p)
        case "gender": text = l.tr("expected M or F (М or Ж), got '{got}'", p)
        case "letter": text = l.tr("expected one letter, got '{got}'", p)
        case "class": text = l.tr("expected a class such as 5А (grade 1-12 and a letter), got '{got}'", p)
        case "snils": text = l.tr("expected SNILS as 123-456-789 01 or 11 digits, got '{got}'", p)
        case "integer": text = l.tr("expected a whole number from {min} to {max}, got '{got}'", p)
        case "one-of": text = l.tr("expected one of {words}, got '{got}'", p)
        case "mark":
            text = l.tr("expected a mark 2-5, pass or fail (зачёт, незачёт), or exempt (освобождён), got '{got}'", p)
        case "no-student":
            text = l.tr(
                "no student {value}; import the students first",
                p)
        case "no-subject":
            text = l.tr(
                "no subject {value}; import the subjects first",
                p)
        case "no-class":
            text = l.tr(
                "no class {value} in the year; import the classes first",
                p)
        case "no-staff":
            text = l.tr(
                "no member of staff {value}; import the staff first",
                p)
        case "no-person":
            text = l.tr(
                "no such person {value} (of the person_kind given); import them first",
                p)
        case "withdrawn-before-signed":
            text = l.tr(
                "withdrawn on {value}, before it was signed",
                p)
        case "class-not-of-grade":
            text = l.tr(
                "the class {value} is not of the grade applied for",
                p)
        case "consent-needs-guardian":
            text = l.tr(
                "a consent needs the guardian who signed it (guardian_name)",
                p)
        case "not-full-name":
            text = l.tr(
                "'{value}' is not a full name: the guardian's surname and first name, e.g. Иванова Ольга",
                p)
        case "not-enrolled":
            text = l.tr(
                "student {value} is not enrolled in this year",
                p)
        case "assessment":
            text = l.tr(
                "'{value}' is not how this subject is assessed in the student's grade: marks 2-5 where it is graded, pass or fail (зачёт, незачёт) where it is pass_fail, none in grade 1",
                p)
        case "not-a-period":
            text = l.tr(
                "{value} is not a study period of the student's grade this year; import the periods first",
                p)
        case "conditional-needs-debts":
            text = l.tr(
                "a conditional promotion lists the debts and a deadline for the retake",
                p)
        case "deadline-too-late":
            text = l.tr(
                "the retake deadline {value} is not within one year after the decision (art. 58)",
                p)
        case "certificate-grade":
            text = l.tr(
                "a {value} certificate does not fit the student's grade this year: basic after a graduating grade short of the last (9), secondary after the last (11), a statement after any",
                p)
        case "certificate-taken":
            text = l.tr(
                "certificate number {value} is another student's",
                p)
        case "period-ends-before-start":
            text = l.tr(
                "the period ends on {value}, before it starts",
                p)
        case "period-before-year":
            text = l.tr(
                "the period starts on {value}, before the year",
                p)
        case "period-after-year":
            text = l.tr(
                "the period ends on {value}, after the year's last day",
                p)
        case "periods-mixed":
            text = l.tr(
                "{value} mixes the grade's quarters (q), trimesters (t) or halves (h): one way a grade",
                p)
        case "no-debt":
            text = l.tr(
                "the student has no academic debt in {value} carried into this year",
                p)
        case "retake-late":
            text = l.tr(
                "taken on {value}, after the debt's deadline: a retake is within its deadline",
                p)
        case "not-your-assignment":
            text = l.tr(
                "you do not teach {value} to this student's class: a teacher records grades only for their own assignments",
                p)
        default: return fileMessage(p, l) ?? orderMessage(p, l)
        }
        return text
    }

    /// The sentences of problems with the file as a whole or its header, and of the checks of students, staff and
    /// classes against the whole file and the database.
    static func fileMessage(_ p: [String: String], _ l: Localizer) -> String? {
        switch p["code"] {
        case "quote-unclosed": l.tr("a quoted field is never closed")
        case "quote-inside": l.tr("a quote inside an unquoted field; quote the whole field")
        case "after-quote": l.tr("text after the closing quote of a field")
        case "field-too-long": l.tr("a field longer than {bytes} bytes (an unclosed quote?)", p)
        case "too-many-fields": l.tr("more than {fields} fields in one record", p)
        case "not-utf8":
            l.tr(
                "not UTF-8 text; if a spreadsheet saved the file in Windows-1251, import it with --encoding windows-1251, or save it as 'CSV UTF-8' and import it again"
            )
        case "not-text":
            l.tr(
                "the file is not UTF-8 text, nor Windows-1251, nor UTF-16 with a byte-order mark; save it from the spreadsheet as 'CSV UTF-8' and import it again, or name its encoding with --encoding"
            )
        case "bad-byte":
            l.tr(
                "the byte {byte} is not {encoding} text; name the file's encoding with --encoding, or save it as 'CSV UTF-8' and import it again",
                p)
        case "empty": l.tr("the file is empty: expected a header line")
        case "header-twice": l.tr("the header names the column '{column}' twice", p)
        case "missing-column": missingColumnMessage(p, l)
        case "duplicate":
            l.trn(
                "'{value}' appears more than once in the file; the column {columns} identifies a row and each value may appear once",
                "'{value}' appears more than once in the file; the columns {columns} identify a row and each combination may appear once",
                Int(p["count"] ?? "") ?? 1, p)
        case "closing-grade-period":
            l.tr(
                "the year {year} is closing: a {value} grade is day-to-day data, frozen now; only year, exam and final grades are recorded",
                p)
        case "class-needs-year": l.tr("a class needs a year: name the year with --year")
        case "class-differs" where p["order_no"] != nil:
            l.tr(
                "the file says {file_class}, but on {as_of} the student is in {current} (since {since}, by order {order_no}): a class change is made by an order, not by an import",
                p)
        case "class-differs":
            l.tr(
                "the file says {file_class}, but on {as_of} the student is in {current} (since {since}): a class change is made by an order, not by an import",
                p)
        case "class-joins-later" where p["order_no"] != nil:
            l.tr(
                "the file says {file_class}, but the student joins {current} on {since} by order {order_no} and is in no class on {as_of}: a class change is made by an order, not by an import",
                p)
        case "class-joins-later":
            l.tr(
                "the file says {file_class}, but the student joins {current} on {since} and is in no class on {as_of}: a class change is made by an order, not by an import",
                p)
        case "left-school":
            l.tr("the student left the school on {left_on}: coming back is an enrollment order, not an import", p)
        case "outside-school" where p["value"] == RegistryKind.FormOfEducation.family.rawValue:
            l.tr("a student in family education learns outside the school and is in no class (attached for assessment)")
        case "outside-school":
            l.tr("a student in self-education learns outside the school and is in no class (attached for assessment)")
        case "personal-file-taken": l.tr("the personal-file number {value} belongs to another student", p)
        case "enrolled-after-year": l.tr("enrolled on {on}, after the year's last day", p)
        case "login-taken": l.tr("the login {value} belongs to another member of staff", p)
        case "grade-mismatch": l.tr("grade {value} does not match the class name", p)
        case "letter-mismatch": l.tr("letter {value} does not match the class name", p)
        default: workbookMessage(p, l)
        }
    }

    /// The sentences of a workbook (`.xlsx`) that cannot be read, and of its cells that the import does not take.
    static func workbookMessage(_ p: [String: String], _ l: Localizer) -> String? {
        switch p["code"] {
        case "old-excel":
            l.tr(
                "this is an Excel 97-2003 workbook (.xls) or a password-protected one, which yeard does not read: open it in the spreadsheet and save it as an Excel workbook (.xlsx) without a password, or as 'CSV UTF-8', then import it again"
            )
        case "password":
            l.tr(
                "the workbook is protected by a password: open it in the spreadsheet, remove the password and save it as .xlsx, or save it as 'CSV UTF-8', then import it again"
            )
        case "not-workbook":
            l.tr(
                "the file is a ZIP archive but not an Excel workbook (.xlsx has xl/workbook.xml): save the table from the spreadsheet as .xlsx or as 'CSV UTF-8' and import it again"
            )
        case "zip-damaged":
            l.tr(
                "the workbook is damaged (its archive is cut short or altered) and was not read: open it in the spreadsheet, save it again as .xlsx and import it again"
            )
        case "zip64":
            l.tr(
                "the workbook is stored as ZIP64 (a file over 4 GB), which yeard does not read: save the sheet alone as .xlsx or as 'CSV UTF-8'"
            )
        case "zip-entries":
            l.tr("the workbook holds {count} parts, more than a workbook has; refused unread", p)
        case "zip-too-large":
            l.tr(
                "the workbook's part {part} unpacks to more than {limit} MB; refused as a possible ZIP bomb: split the sheet, or import it as 'CSV UTF-8'",
                p)
        case "zip-ratio":
            l.tr(
                "the workbook's part {part} unpacks to more than 100 times its packed size, as no real sheet does; refused as a possible ZIP bomb",
                p)
        case "xml-malformed":
            l.tr(
                "the workbook's part {part} is not well-formed XML: open the file in the spreadsheet, save it again as .xlsx and import it again",
                p)
        case "xml-doctype":
            l.tr(
                "the workbook's part {part} declares a document type or entities, which no spreadsheet writes; refused unread",
                p)
        case "no-sheet": l.tr("the workbook has no sheet '{sheet}'; its sheets are: {sheets}", p)
        case "no-sheets": l.tr("the workbook has no sheets")
        case "empty-sheet": l.tr("the sheet '{sheet}' is empty: expected a header row and rows under it", p)
        case "other-sheets":
            l.tr(
                "the first sheet, '{sheet}', was read; the workbook also has {sheets}: name the sheet to import with --sheet",
                p)
        case "cell-reference": l.tr("'{got}' is not a cell reference (A1 to XFD1048576); the sheet is damaged", p)
        case "too-many-columns":
            l.tr(
                "the row has values in more than {fields} columns, more than any registry table has; the sheet is not a registry table",
                p)
        case "cell-too-long":
            l.tr(
                "the cell {cell} holds more than {bytes} bytes of text, more than any registry value; refused unread", p
            )
        case "too-many-strings":
            l.tr("the workbook holds more than {count} different texts, more than a registry table has; refused", p)
        case "cell-error":
            l.tr("the cell holds the formula error {got}: correct the formula in the spreadsheet, or type the value", p)
        case "past-header":
            l.trn(
                "the row has a value in {count} cell to the right of the header's last column; give the column a header or clear the cell",
                "the row has values in {count} cells to the right of the header's last column; give the columns a header or clear the cells",
                Int(p["count"] ?? "") ?? 1, p)
        case "formula":
            l.tr(
                "the cell holds a formula; the value it had when the file was last saved, '{got}', was read (yeard never computes formulas)",
                p)
        default: nil
        }
    }

    /// A header without a required column: its English and Russian names, and the file's unknown header that looks
    /// like a typo of it.
    static func missingColumnMessage(_ p: [String: String], _ l: Localizer) -> String {
        switch (p["russian"] != nil, p["near"] != nil) {
        case (true, true):
            l.tr(
                "the header lacks the required column '{column}' (in Russian '{russian}'); the file's column '{file_column}' is not a known name: did you mean '{near}'?",
                p)
        case (true, false):
            l.tr("the header lacks the required column '{column}' (in Russian '{russian}')", p)
        case (false, true):
            l.tr(
                "the header lacks the required column '{column}'; the file's column '{file_column}' is not a known name: did you mean '{near}'?",
                p)
        case (false, false):
            l.tr("the header lacks the required column '{column}'", p)
        }
    }

    /// The sentences of the checks of an orders file against the school's movement.
    static func orderMessage(_ p: [String: String], _ l: Localizer) -> String? {
        switch p["code"] {
        case "closing-order-kind":
            l.tr(
                "the year {year} is closing: an order of the kind '{order_kind}' waits for the next year; only departures (graduation, withdrawal, transfer) and year-end continuations are recorded now",
                p)
        case "order-needs-class":
            l.tr("an order of the kind '{order_kind}' needs the class the student goes to", p)
        case "effective-outside-year": l.tr("takes effect on {on}, outside the year {year}", p)
        case "effective-after-grade-end":
            l.tr(
                "takes effect on {on}, after the last day of grade {grade} ({last_day}); only grades that end later (the school's grade_end) take orders then",
                p)
        case "order-recorded":
            l.tr(
                "order {value} is already recorded for this student with other values; an order is not edited: issue a new one",
                p)
        case "already-enrolled" where (p["value"] ?? "").isEmpty:
            l.tr("the student is already enrolled; a move between classes is a class_change order")
        case "already-enrolled":
            l.tr("the student is already enrolled (in {value}); a move between classes is a class_change order", p)
        case "not-enrolled-at":
            l.tr(
                "the student is not enrolled at that date: an order of the kind '{order_kind}' needs an enrollment", p)
        case "class-from-differs": l.tr("the student is in {current} (the file says {file_class})", p)
        case "same-class": l.tr("the student is already in {value}: a class change needs another class", p)
        case "before-movement":
            l.tr(
                "takes effect on {on}, before the student's movement already recorded; orders apply in date order", p)
        case "formula-no-value":
            l.tr(
                "the cell holds a formula that was never computed (the program that wrote the file does not compute formulas): open the file in the spreadsheet and save it, or type the value"
            )
        default: nil
        }
    }
}

/// What the parsers of values say about one text.
public enum RegistryValues {
    /// `2026-09-01` or `01.09.2026` (the two forms school systems export); nil for anything else.
    public static func date(_ text: String) -> CalendarDate? {
        if let iso = CalendarDate(iso: text) { return iso }
        guard let (day, month, year) = CalendarDate.numbers(text, layout: [2, 2, 4], separator: UInt8(ascii: "."))
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// `M` or `F` from M/F or the Cyrillic М/Ж, in either case.
    public static func gender(_ text: String) -> String? {
        switch text.uppercased() {
        case "M", "М": "M"
        case "F", "Ж": "F"
        default: nil
        }
    }

    /// The items of a list as schools write it (`Алгебра, Физика` or `math; phys`), folded as `foldedName` does.
    public static func listItems(_ list: String) -> Set<String> {
        Set(
            list.split(whereSeparator: { $0 == "," || $0 == ";" }).map { foldedName(String($0)) }.filter {
                !$0.isEmpty
            })
    }

    /// A grade as schools write it, stored as yeard does: a mark `2`-`5`, `pass` or `fail` for a pass/fail subject
    /// (зачёт, зачтено; незачёт, не зачтено), `exempt` (освобождён, осв.); nil for anything else.
    public static func mark(_ text: String) -> String? {
        // The stored forms first: a region's import has millions of them.
        switch text {
        case "2", "3", "4", "5", "pass", "fail", "exempt": return text
        default: break
        }
        let word = text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        switch word {
        case "2", "3", "4", "5": return word
        case "pass", "зачет", "зачтено", "зач": return "pass"
        case "fail", "незачет", "не зачтено", "незачтено", "не зачет": return "fail"
        case "exempt", "освобожден", "освобождена", "осв": return "exempt"
        default: return nil
        }
    }

    /// Latin capitals that look like Cyrillic ones: a class letter typed in the wrong layout is the same class.
    static let cyrillicLookalikes: [Character: Character] = [
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х",
        "Y": "У",
    ]

    /// A class name `5А` (grade 1-12 and one letter, Cyrillic preferred): the canonical name, grade and letter.
    public static func className(_ text: String) -> (name: String, grade: Int, letter: String)? {
        let spaced = text.utf8.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "-") || $0 == 0x09 }
        let compact = spaced ? text.filter { !$0.isWhitespace && $0 != "-" } : text
        let digits = compact.prefix { $0.isASCII && $0.isNumber }
        guard let grade = Int(digits), (1...12).contains(grade) else { return nil }
        let rest = compact.dropFirst(digits.count).uppercased()
        guard rest.count == 1, let letter = rest.first, letter.isLetter else { return nil }
        let canonical = cyrillicLookalikes[letter] ?? letter
        return ("\(grade)\(canonical)", grade, String(canonical))
    }

    /// SNILS as its 11 digits, from `123-456-789 01` or `12345678901`.
    public static func snils(_ text: String) -> String? {
        var digits: [UInt8] = []
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                digits.append(byte)
            } else if byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
                return nil
            }
        }
        return digits.count == 11 ? String(decoding: digits, as: UTF8.self) : nil
    }

    /// Whether the 11 digits of a SNILS carry the right check number: the first nine digits weighted 9 down to 1,
    /// the sum below 100 is the check number, 100 and 101 give 00, larger sums are taken modulo 101 first.
    /// (Numbers up to 001-001-998 were issued before checksums and are accepted as they are.)
    public static func snilsChecksumValid(_ digits: String) -> Bool {
        let values = digits.utf8.map { Int($0) - 0x30 }
        guard values.count == 11, values.allSatisfy({ (0...9).contains($0) }) else { return false }
        let number = values.prefix(9).reduce(0) { $0 * 10 + $1 }
        if number <= 1_001_998 { return true }
        let sum = values.prefix(9).enumerated().reduce(0) { $0 + $1.element * (9 - $1.offset) }
        let expected = sum < 100 ? sum : sum <= 101 ? 0 : (sum % 101 == 100 ? 0 : sum % 101)
        return values[9] * 10 + values[10] == expected
    }

    /// Whether `text` is a phone number: 10 to 15 digits, with spaces, dashes, dots, brackets and a leading +.
    public static func phoneValid(_ text: String) -> Bool {
        var digits = 0
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case 0x30...0x39: digits += 1
            case UInt8(ascii: "+") where offset == 0: continue
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."): continue
            default: return false
            }
        }
        return (10...15).contains(digits)
    }

    /// A person's name part folded for comparison: lower case, ё as е, without spaces, hyphens kept.
    public static func foldedName(_ text: String) -> String {
        String(text.lowercased().compactMap { $0.isWhitespace ? nil : $0 == "ё" ? "е" : $0 })
    }

    /// A non-negative integer within `range`.
    public static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = Int(text), range.contains(value) else { return nil }
        return value
    }

    /// An external id: 1-64 characters without control characters.
    public static func identifier(_ text: String) -> String? {
        // C0 controls and DEL are single bytes; C1 controls are U+0080-U+009F, encoded C2 80 ... C2 9F.
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { return nil }
            previous = byte
        }
        guard !text.isEmpty, text.utf8.count <= 64 || text.count <= 64 else { return nil }
        return text
    }
}
