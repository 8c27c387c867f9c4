import Foundation

// The Russian column headers of the files Russian schools export from their spreadsheets and school information
// systems, per kind (docs/formats.md lists them). The first header of each column is the one `yearctl export
// --headers ru` writes; the others are the variants schools' files use. Matching folds case, `ё` and spaces
// (`RegistryKind.foldedHeader`). These are a file format, not messages: they do not change with the language.

extension RegistryKind {
    /// For each of the kind's columns, its Russian headers, the one exports write first.
    public var russianHeaders: [String: [String]] {
        let names = Set(columns.map(\.name))
        return (Self.russianHeaderTable[self] ?? [:]).filter { names.contains($0.key) }
    }

    /// The kind's column that `header` names, in English or in Russian; nil for a header the kind does not know.
    public func column(forHeader header: String) -> String? {
        // No header is anywhere near 200 bytes: a longer cell is not folded at all (a hostile header row of a
        // thousand 64 KiB cells would cost seconds of folding for nothing).
        guard header.utf8.count <= 200 else { return nil }
        let folded = Self.foldedHeader(header)
        if let column = Self.headerIndex[self]?[folded] { return column }
        return nil
    }

    /// A header as headers are compared: trimmed, lower case, `ё` as `е`, runs of spaces as one, no space after
    /// `№` (`№ личного дела` and `№личного дела` are one header).
    public static func foldedHeader(_ header: String) -> String {
        var text = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: "ё", with: "е")
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        text = text.replacingOccurrences(of: "№ ", with: "№")
        return text
    }

    /// The known header nearest to `header` (English or Russian), when it is close enough to be a typo of it.
    public func nearestHeader(to header: String) -> String? {
        // A header longer than any known one by far is no typo of one (and its edit distances would cost a lot).
        guard header.utf8.count <= 200 else { return nil }
        let folded = Array(Self.foldedHeader(header))
        guard !folded.isEmpty else { return nil }
        let candidates = columns.map(\.name) + columns.flatMap { russianHeaders[$0.name] ?? [] }
        var best: (distance: Int, header: String)?
        for candidate in candidates {
            let distance = Self.editDistance(folded, Array(Self.foldedHeader(candidate)))
            if distance < (best?.distance ?? Int.max) { best = (distance, candidate) }
        }
        guard let best, best.distance > 0, best.distance <= max(2, folded.count / 4) else { return nil }
        return best.header
    }

    /// The problem of a header without the required `column` (`ImportProblem.message`'s `missing-column`): its
    /// English and Russian names, and the file's unknown header that looks like a typo of it (`did you mean
    /// 'Фамилия'?`).
    public func missingColumnParameters(_ column: String, extra: [String]) -> [String: String] {
        var params = ["code": "missing-column", "column": column]
        if let russian = russianHeaders[column]?.first { params["russian"] = russian }
        // The first hundred unknown headers are looked at: a typo sits among the table's columns, and a header of a
        // thousand unknown names is not a misspelt one (each look is a few dozen edit distances).
        for header in extra.prefix(100) {
            if let near = nearestHeader(to: header), self.column(forHeader: near) == column {
                params["file_column"] = header
                params["near"] = near
                break
            }
        }
        return params
    }

    /// Levenshtein's distance between two short texts (a header's letters).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Every header (English column names and Russian headers, folded) to its column, per kind.
    private static let headerIndex: [RegistryKind: [String: String]] = Dictionary(
        uniqueKeysWithValues: allCases.map { kind in
            var index: [String: String] = [:]
            for column in kind.columns {
                index[foldedHeader(column.name)] = column.name
                for header in kind.russianHeaders[column.name] ?? [] { index[foldedHeader(header)] = column.name }
            }
            return (kind, index)
        })

    private static let person: [String: [String]] = [
        "last_name": ["Фамилия"], "first_name": ["Имя"], "middle_name": ["Отчество"],
        "birth_date": ["Дата рождения", "Дата рожд.", "Д.р.", "ДР"], "gender": ["Пол"],
    ]
    private static let studentID = ["ID ученика", "Код ученика", "Идентификатор ученика", "ID обучающегося"]
    private static let subjectID = ["Предмет", "Код предмета", "ID предмета"]
    private static let teacherID = ["Учитель", "ID учителя", "Код учителя"]

    private static let russianHeaderTable: [RegistryKind: [String: [String]]] = [
        .students: person.merging([
            "student_id": studentID + ["ID", "Код"],
            "class": ["Класс"], "personal_file_no": ["№ личного дела", "Номер личного дела", "Личное дело", "№ л/д"],
            "snils": ["СНИЛС"], "enrolled_on": ["Дата зачисления", "Зачислен"],
            "form_of_education": ["Форма обучения", "Форма получения образования"],
        ]) { $1 },
        .guardians: person.merging([
            "guardian_id": ["ID представителя", "Код представителя", "ID родителя"],
            "student_id": studentID, "relation": ["Кем приходится", "Степень родства", "Родство"],
            "phone": ["Телефон", "Мобильный телефон"],
            "email": ["Электронная почта", "E-mail", "Email", "Эл. почта"],
        ]) { $1 },
        .staff: person.merging([
            "staff_id": ["ID сотрудника", "Код сотрудника", "Табельный номер"], "position": ["Должность"],
            "login": ["Логин", "Учётная запись"],
        ]) { $1 },
        .subjects: ["subject_id": ["Код предмета", "ID предмета"], "name": ["Предмет", "Название", "Наименование"]],
        .classes: [
            "class": ["Класс"], "grade": ["Параллель"], "letter": ["Литера", "Буква"], "profile": ["Профиль"],
            "class_type": ["Тип класса"],
            "class_teacher_id": ["Классный руководитель", "ID классного руководителя", "Код классного руководителя"],
            "capacity": ["Наполняемость", "Вместимость"],
        ],
        .curriculum: [
            "grade": ["Параллель"], "profile": ["Профиль"], "subject_id": subjectID,
            "hours_per_week": ["Часов в неделю", "Часы в неделю", "Часов"],
            "assessment": ["Форма аттестации", "Аттестация"],
        ],
        .assignments: [
            "class": ["Класс"], "subject_id": subjectID, "group": ["Группа", "Подгруппа"], "teacher_id": teacherID,
        ],
        .schedule: [
            "class": ["Класс"], "weekday": ["День недели"], "period": ["Урок", "Номер урока"],
            "subject_id": subjectID, "group": ["Группа", "Подгруппа"], "teacher_id": teacherID,
            "room": ["Кабинет"],
        ],
        .grades: [
            "student_id": studentID, "subject_id": subjectID, "period": ["Период"], "grade": ["Оценка", "Отметка"],
        ],
        .decisions: [
            "student_id": studentID, "outcome": ["Решение", "Итог"],
            "debts": ["Академические задолженности", "Задолженности"], "deadline": ["Срок ликвидации", "Срок"],
            "target_class": ["Класс перевода", "В класс"], "order_no": ["№ приказа", "Номер приказа"],
            "order_date": ["Дата приказа"], "destination": ["Куда выбыл", "Место выбытия"],
            "statement_on": ["Дата заявления"],
        ],
        .periods: [
            "grade": ["Параллель"], "period": ["Период"], "starts_on": ["Дата начала", "Начало"],
            "ends_on": ["Дата окончания", "Окончание", "Конец"],
        ],
        .certificates: [
            "student_id": studentID, "kind": ["Вид документа", "Вид"], "number": ["Номер документа", "Номер"],
            "issued_on": ["Дата выдачи"], "honours": ["С отличием"],
        ],
        .retakes: [
            "student_id": studentID, "subject": ["Предмет"], "attempt": ["Попытка"],
            "taken_on": ["Дата пересдачи", "Дата"], "result": ["Результат", "Оценка"],
        ],
        .consents: [
            "person_id": ["ID лица", "Код лица"], "person_kind": ["Категория лица", "Категория"],
            "signed_by": ["Подписал", "ID подписавшего"], "signed_on": ["Дата подписания"],
            "form_version": ["Версия формы"], "withdrawn_on": ["Дата отзыва"],
        ],
        .applications: person.merging([
            "application_id": ["№ заявления", "Номер заявления"], "grade": ["Параллель", "Поступает в параллель"],
            "status": ["Статус"], "submitted_on": ["Дата подачи", "Дата заявления"],
            "guardian_name": ["ФИО заявителя", "Заявитель", "ФИО родителя"],
            "guardian_phone": ["Телефон заявителя", "Телефон"],
            "guardian_email": ["Эл. почта заявителя", "E-mail", "Email"], "class": ["Класс"],
            "consent_on": ["Дата согласия"],
        ]) { $1 },
        .orders: [
            "order_no": ["№ приказа", "Номер приказа"], "order_date": ["Дата приказа"],
            "kind": ["Вид приказа", "Вид"], "student_id": studentID, "class_from": ["Из класса"],
            "class_to": ["В класс"], "effective_on": ["Дата вступления в силу", "Дата исполнения"],
            "basis": ["Основание"], "destination": ["Куда выбыл", "Место выбытия"],
        ],
    ]
}
