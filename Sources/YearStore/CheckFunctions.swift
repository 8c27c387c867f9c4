import Crypto
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
        // yeard_digest(text): the SHA-256 (hex) of the texts in the order given, for a rollover's fingerprint.
        DatabaseFunction("yeard_digest", argumentCount: 1, pure: true, aggregate: DigestAggregate.self),
    ]
}

/// An aggregate SQLite lacks: SHA-256 over a column's texts, each followed by a newline (NULL counts as an empty
/// line), in the order the rows come. Written here because no maintained SQLite extension is loaded by yeard.
struct DigestAggregate: DatabaseAggregate {
    var hasher = SHA256()

    init() {}

    mutating func step(_ values: [DatabaseValue]) {
        if let text = String.fromDatabaseValue(values[0]) { hasher.update(data: Data(text.utf8)) }
        hasher.update(data: Data([0x0A]))
    }

    func finalize() -> (any DatabaseValueConvertible)? {
        hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
