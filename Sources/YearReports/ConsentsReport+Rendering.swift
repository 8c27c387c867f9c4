import Foundation
import YearCore

extension ConsentsReport {
    /// The consent forms to print (consent-form.mustache): one page per legal representative and child, prefilled
    /// with their names, the child's birth date and class and the school; a child with no guardian recorded gets
    /// one form with the representative's name left blank.
    public func formsHTML(_ l: Localizer, templates: Templates, printed: String) throws -> String {
        let blank = "____________________________________"
        let forms: [[String: Any]] = students.flatMap { student in
            let guardians: [ConsentGuardian?] = student.guardians.isEmpty ? [nil] : student.guardians
            return guardians.map { guardian -> [String: Any] in
                let relation = guardian?.relation.flatMap { $0.isEmpty ? nil : $0 }
                let statement = l.tr(
                    "I, {guardian}, the legal representative ({relation}) of {child}, born {birth}, a student of class {class}, give {school} (the operator) my consent to process the personal data of the child and my own, freely, of my own will and in our interest, for the purposes, of the data and by the actions listed below (Federal Law No. 152-FZ of 27.07.2006, art. 9).",
                    [
                        "guardian": guardian?.name ?? blank, "relation": relation ?? l.tr("mother, father, guardian"),
                        "child": student.name, "birth": student.birthDate.map { l.date($0) } ?? "__.__.____",
                        "class": student.class, "school": schoolName,
                    ])
                let contact = [guardian?.phone, guardian?.email].compactMap { $0 }.filter { !$0.isEmpty }
                return [
                    "statement": statement, "guardianSigned": guardian?.name ?? blank,
                    "contact": contact.isEmpty
                        ? false
                        : l.tr("Contact on record: {contact}", ["contact": contact.joined(separator: ", ")]) as Any,
                ]
            }
        }
        let words: [String: Any] = [
            "title": l.tr("Consent to the processing of personal data"),
            "purposes": l.tr("Purposes of processing:"),
            "purposeList": [
                l.tr("education under the school's educational programmes and the organisation of its lessons"),
                l.tr(
                    "keeping the registry of students, their personal files, the book of student movement and the summary sheets of grades"
                ),
                l.tr("the reports and state information systems of education that the law requires"),
                l.tr("informing the legal representatives of the child's progress and of the school's decisions"),
            ],
            "categories": l.tr("Personal data processed:"),
            "categoryList": [
                l.tr("the child's surname, first name and patronymic, date of birth, sex and SNILS"),
                l.tr("the child's class, grades, promotion decisions and the orders concerning the child"),
                l.tr(
                    "the legal representative's surname, first name and patronymic, relation to the child, phone and e-mail"
                ),
            ],
            "actions": l.tr(
                "Actions with the data: collection, recording, systematisation, accumulation, storage, clarification, extraction, use, transfer to the education authorities where the law requires it, depersonalisation, blocking, deletion and destruction, with and without automation."
            ),
            "term": l.tr(
                "The consent is valid from the day it is signed for as long as the child studies at the school, and then for the retention periods the law sets for the school's records."
            ),
            "withdraw": l.tr(
                "I may withdraw this consent at any time by a written statement to the school; the school then stops processing the data and destroys them within 30 days, except those the law obliges it to keep (152-FZ, art. 9 part 2, art. 21 part 5)."
            ),
            "signature": l.tr("Signature"), "date": l.tr("Date «___» ____________ 20___"),
        ]
        let page = DocumentPage(
            title: l.tr("Consent forms: {name}, year {year}", ["name": schoolName, "year": year]), school: schoolName,
            printed: printed)
        return try templates.render(
            "consent-form",
            page.model(l, ["forms": forms, "words": words, "nothing": l.tr("Every student has a consent in force.")]))
    }
}
