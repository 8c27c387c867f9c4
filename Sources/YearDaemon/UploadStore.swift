import Crypto
import Foundation
import NIOConcurrencyHelpers
import YearCore

/// Files being uploaded for import, kept in `STATE_DIR/uploads`: each belongs to the uid that started it, grows by
/// parts, and is removed when imported or an hour after its last part.
final class UploadStore: Sendable {
    struct Upload: Sendable {
        let owner: UInt32
        let path: String
        var bytes: Int64
        var touched: Date
    }

    let directory: String
    /// The largest upload accepted, in bytes.
    let maximumBytes: Int64
    private let uploads = NIOLockedValueBox<[String: Upload]>([:])

    init(directory: String, maximumBytes: Int64 = 4 << 30) throws {
        self.directory = directory
        self.maximumBytes = maximumBytes
        // Uploads do not survive a restart: whatever is left from before is removed.
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Appends `data` to the upload `id` of `owner` (a new one when `id` is nil); returns its id and size.
    func append(_ data: Data, to id: String?, owner: UInt32, now: Date = Date()) throws -> (id: String, bytes: Int64) {
        if let id, uploads.withLockedValue({ $0[id] }) == nil { throw YearError.uploadNotFound(id: id) }
        let id = id ?? UUID().uuidString.lowercased()
        var upload = try uploads.withLockedValue { table -> Upload in
            if let existing = table[id] {
                guard existing.owner == owner else { throw YearError.uploadNotFound(id: id) }
                return existing
            }
            guard table.values.filter({ $0.owner == owner }).count < 8 else {
                throw YearError.invalidParameter(field: "upload", reason: "you have 8 uploads in progress; import them")
            }
            return Upload(owner: owner, path: directory + "/" + id, bytes: 0, touched: now)
        }
        guard upload.bytes + Int64(data.count) <= maximumBytes else {
            throw YearError.invalidParameter(field: "data", reason: "an upload may not exceed \(maximumBytes) bytes")
        }
        if upload.bytes == 0 { FileManager.default.createFile(atPath: upload.path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: upload.path) else {
            throw YearError.internalFailure(reason: "cannot write the upload")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        upload.bytes += Int64(data.count)
        upload.touched = now
        let stored = upload
        uploads.withLockedValue { $0[id] = stored }
        return (id, upload.bytes)
    }

    /// Takes the finished upload `id` of `owner`: its path and the SHA-256 (hex) of its content, read back from the
    /// file. The caller removes the file.
    func take(_ id: String, owner: UInt32) throws -> (path: String, sha256: String)? {
        let taken = uploads.withLockedValue { table -> Upload? in
            guard let upload = table[id], upload.owner == owner else { return nil }
            table[id] = nil
            return upload
        }
        guard let taken else { return nil }
        guard let handle = FileHandle(forReadingAtPath: taken.path) else {
            throw YearError.internalFailure(reason: "the upload's file is gone")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return (taken.path, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// Removes uploads untouched for `age`.
    func expire(olderThan age: TimeInterval, now: Date = Date()) {
        let stale = uploads.withLockedValue { table in
            let stale = table.filter { now.timeIntervalSince($0.value.touched) > age }
            for id in stale.keys { table[id] = nil }
            return stale.values.map(\.path)
        }
        for path in stale { try? FileManager.default.removeItem(atPath: path) }
    }
}
