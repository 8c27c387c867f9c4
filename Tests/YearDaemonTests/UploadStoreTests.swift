import Foundation
import Testing
import YearCore

@testable import YearDaemon

@Suite("Uploads in progress stay within their quotas")
struct UploadStoreTests {
    func store() throws -> UploadStore {
        try UploadStore(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("yeard-uploads-\(UUID())").path)
    }

    func reason(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let YearError.invalidParameter(_, reason, _) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    @Test("one user's parts stop at their quota, with a sentence naming it, and the refused part writes nothing")
    func perUID() throws {
        let uploads = try store()
        let limits = UploadStore.Limits(bytesPerUID: 3 << 20, bytesTotal: 100 << 20, uploadsPerUID: 8, freeBytes: 0)
        let part = Data(count: 1 << 20)
        let first = try uploads.append(part, to: nil, owner: 1000, limits: limits)
        _ = try uploads.append(part, to: first.id, owner: 1000, limits: limits)
        _ = try uploads.append(part, to: first.id, owner: 1000, limits: limits)
        let refused = reason { _ = try uploads.append(part, to: first.id, owner: 1000, limits: limits) }
        #expect(refused?.contains("more than your 3 MiB (upload_max_bytes_per_uid)") == true)
        let size = try FileManager.default.attributesOfItem(atPath: uploads.directory + "/" + first.id)[.size] as? Int
        #expect(size == 3 << 20)
        // Another user has a quota of their own.
        #expect(try uploads.append(part, to: nil, owner: 1001, limits: limits).bytes == 1 << 20)
    }

    @Test("everyone's uploads together stop at the total, and one user's count of uploads at its limit")
    func totalAndCount() throws {
        let uploads = try store()
        let limits = UploadStore.Limits(bytesPerUID: 10 << 20, bytesTotal: 2 << 20, uploadsPerUID: 2, freeBytes: 0)
        let part = Data(count: 1 << 20)
        _ = try uploads.append(part, to: nil, owner: 1, limits: limits)
        _ = try uploads.append(part, to: nil, owner: 2, limits: limits)
        #expect(
            reason { _ = try uploads.append(part, to: nil, owner: 3, limits: limits) }?.contains("(upload_max_bytes)")
                == true)
        let small = Data(count: 1)
        let roomy = UploadStore.Limits(bytesPerUID: 10 << 20, bytesTotal: 10 << 20, uploadsPerUID: 2, freeBytes: 0)
        _ = try uploads.append(small, to: nil, owner: 1, limits: roomy)
        #expect(
            reason { _ = try uploads.append(small, to: nil, owner: 1, limits: roomy) }?.contains("max_uploads_per_uid")
                == true)
    }

    @Test("a part that would leave the disk of the database nearly full is refused")
    func diskSpace() throws {
        let uploads = try store()
        let limits = UploadStore.Limits(
            bytesPerUID: 10 << 20, bytesTotal: 10 << 20, uploadsPerUID: 2, freeBytes: 1 << 60)
        #expect(
            reason { _ = try uploads.append(Data(count: 1), to: nil, owner: 1, limits: limits) }?.contains("free")
                == true)
    }
}
