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
    ]
}
