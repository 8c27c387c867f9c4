import Foundation
import GRDB
import YearCore

/// SQL functions the check queries need and SQLite lacks: its `lower()` folds ASCII only, and a SNILS checksum or a
/// phone's shape is clearer in Swift than in SQL. Each is pure and registered on every connection.
enum CheckFunctions {
    static let all: [DatabaseFunction] = [
        // yeard_fold(name): lower case, ё as е, no spaces, for duplicate names.
        DatabaseFunction("yeard_fold", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(RegistryValues.foldedName)
        },
        // yeard_snils_ok(digits): 1 when the check number is right.
        DatabaseFunction("yeard_snils_ok", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map { RegistryValues.snilsChecksumValid($0) ? 1 : 0 }
        },
        // yeard_phone_ok(text): 1 when it is a phone number.
        DatabaseFunction("yeard_phone_ok", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map { RegistryValues.phoneValid($0) ? 1 : 0 }
        },
        // yeard_class_grade(name): the grade of a class name such as 10А, NULL when it is not one.
        DatabaseFunction("yeard_class_grade", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).flatMap { RegistryValues.className($0)?.grade }
        },
        // yeard_list_has(list, item): 1 when `item` is one of the comma- or semicolon-separated `list` (a debt's
        // subjects), compared without case, spaces and ё/е.
        DatabaseFunction("yeard_list_has", argumentCount: 2, pure: true) { values in
            guard let list = String.fromDatabaseValue(values[0]), let item = String.fromDatabaseValue(values[1])
            else { return nil }
            return RegistryValues.listItems(list).contains(RegistryValues.foldedName(item)) ? 1 : 0
        },
        // yeard_list_open(list, cleared): 1 when some item of `list` is not among `cleared` (items joined by
        // char(31)): a debt with a subject not yet cleared by a passing retake.
        DatabaseFunction("yeard_list_open", argumentCount: 2, pure: true) { values in
            guard let list = String.fromDatabaseValue(values[0]) else { return nil }
            let cleared = Set(
                (String.fromDatabaseValue(values[1]) ?? "").split(separator: "\u{1F}").map {
                    RegistryValues.foldedName(String($0))
                })
            return RegistryValues.listItems(list).isSubset(of: cleared) ? 0 : 1
        },
        // yeard_name_part(name, part): a full name's surname (1), first name (2) or the rest (3), NULL when absent:
        // a guardian named in one field of an application becomes a guardian record.
        DatabaseFunction("yeard_name_part", argumentCount: 2, pure: true) { values in
            guard let name = String.fromDatabaseValue(values[0]), let part = Int.fromDatabaseValue(values[1]) else {
                return nil
            }
            let words = name.split(whereSeparator: \.isWhitespace).map(String.init)
            switch part {
            case 1: return words.first
            case 2: return words.count > 1 ? words[1] : nil
            default: return words.count > 2 ? words.dropFirst(2).joined(separator: " ") : nil
            }
        },
        // yeard_fingerprint(value, ...): a hash of a set of rows, for what a rollover wrote (see RowSetHash).
        DatabaseFunction("yeard_fingerprint", argumentCount: nil, pure: true, aggregate: RowSetHash.self),
    ]
}

/// An aggregate SQLite lacks: a hash of a set of rows that does not depend on their order (so no sort is needed):
/// each row's values are hashed with 64-bit FNV-1a (type tag, length and bytes of each value, so that no two rows
/// of different values collide by shifting bytes), and the row hashes are added up with wrapping, beside a second
/// sum of the row hashes squared to make cancelling changes unlikely. It detects change, not tampering: whoever
/// can write the file can rewrite anything. Written here because no maintained SQLite extension is loaded by yeard.
struct RowSetHash: DatabaseAggregate {
    var sum: UInt64 = 0
    var squares: UInt64 = 0

    init() {}

    mutating func step(_ values: [DatabaseValue]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        func mix<T: FixedWidthInteger>(integer value: T) {
            withUnsafeBytes(of: value.littleEndian) { for byte in $0 { mix(byte) } }
        }
        for value in values {
            switch value.storage {
            case .null: mix(0)
            case .int64(let number):
                mix(1)
                mix(integer: number)
            case .double(let number):
                mix(2)
                mix(integer: number.bitPattern)
            case .string(let text):
                mix(3)
                mix(integer: Int64(text.utf8.count))
                for byte in text.utf8 { mix(byte) }
            case .blob(let data):
                mix(4)
                mix(integer: Int64(data.count))
                for byte in data { mix(byte) }
            }
        }
        sum = sum &+ hash
        squares = squares &+ (hash &* hash)
    }

    func finalize() -> (any DatabaseValueConvertible)? {
        String(sum, radix: 16) + "-" + String(squares, radix: 16)
    }
}
