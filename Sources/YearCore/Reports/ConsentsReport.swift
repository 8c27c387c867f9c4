import Foundation

/// Where each student of a school stands with the personal-data consent (152-FZ art. 9; since 1 September 2025 a
/// separate document signed by a legal representative): whether one is in force on the day, and their guardians, who
/// sign it. The list of who must still sign, and the forms to print for them, are made from it.
public struct ConsentsReport: Codable, Sendable, Equatable {
    /// The school's id and name, the year's label and the day the consents are in force on (`YYYY-MM-DD`).
    public var school: String, schoolName: String, year: String, date: String
    /// The students (in a class of the year on the day), by class and name.
    public var students: [ConsentStudent]

    /// A report with every field given.
    public init(school: String, schoolName: String, year: String, date: String, students: [ConsentStudent]) {
        self.school = school
        self.schoolName = schoolName
        self.year = year
        self.date = date
        self.students = students
    }

    /// How many persons the report names: the students and their guardians (an audit row records it).
    public var persons: Int { students.count + Set(students.flatMap { $0.guardians.map(\.id) }).count }
}

/// A student and their consent.
public struct ConsentStudent: Codable, Sendable, Equatable {
    /// The student's id, full name, birth date and class.
    public var id: String, name: String, birthDate: String?, `class`: String
    /// The day the consent in force was signed and its form's version (both absent: none is in force), and the day
    /// the last one was withdrawn, if one was.
    public var signedOn: String?, formVersion: String?, withdrawnOn: String?
    /// The legal representatives who sign for the student.
    public var guardians: [ConsentGuardian]

    /// A student with every field given.
    public init(
        id: String, name: String, birthDate: String?, class: String, signedOn: String?, formVersion: String?,
        withdrawnOn: String?, guardians: [ConsentGuardian]
    ) {
        self.id = id
        self.name = name
        self.birthDate = birthDate
        self.class = `class`
        self.signedOn = signedOn
        self.formVersion = formVersion
        self.withdrawnOn = withdrawnOn
        self.guardians = guardians
    }

    /// Whether a consent is in force on the report's day.
    public var consented: Bool { signedOn != nil }
}

/// A legal representative of a student.
public struct ConsentGuardian: Codable, Sendable, Equatable {
    /// Their id, full name, relation to the student (as recorded), phone and e-mail.
    public var id: String, name: String, relation: String?, phone: String?, email: String?

    /// A guardian with every field given.
    public init(id: String, name: String, relation: String?, phone: String?, email: String?) {
        self.id = id
        self.name = name
        self.relation = relation
        self.phone = phone
        self.email = email
    }
}
