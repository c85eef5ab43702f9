import CHiredis
import Foundation

/// One blocking hiredis connection. Not thread-safe: `RedisClient` lends it to one blocking-pool
/// thread at a time, never to an event loop.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>

    init(host: String, port: Int, timeout: Duration) throws {
        var tv = timeval(timeout)
        guard let context = redisConnectWithTimeout(host, Int32(port), tv) else {
            throw RedisError(message: "cannot allocate a connection")
        }
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            redisFree(context)
            throw RedisError(message: message)
        }
        tv = timeval(timeout)
        redisSetTimeout(context, tv)
        self.context = context
    }

    deinit { redisFree(context) }

    /// False once hiredis has seen an I/O or protocol error; such a connection is discarded.
    var isHealthy: Bool { context.pointee.err == 0 }

    /// Sets the read timeout, e.g. a short one for a subscriber that polls for cancellation.
    func setTimeout(_ timeout: Duration) {
        redisSetTimeout(context, timeval(timeout))
    }

    /// Sends one command; arguments are binary-safe (hiredis' argv form, the only one Swift can call).
    func command(_ arguments: [String]) throws -> RedisReply {
        let raw = try withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw RedisError(message: Self.errorString(context)) }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return try Self.convert(reply)
    }

    /// Sends a command without waiting for its reply (for SUBSCRIBE, whose replies `read` returns).
    func send(_ arguments: [String]) throws {
        let status = try withArgv(arguments) { argc, argv, lengths in
            redisAppendCommandArgv(context, argc, argv, lengths)
        }
        guard status == REDIS_OK else { throw RedisError(message: Self.errorString(context)) }
    }

    /// Reads the next reply; nil when the read timed out (the connection stays usable).
    func read() throws -> RedisReply? {
        var raw: UnsafeMutableRawPointer?
        if redisGetReply(context, &raw) != REDIS_OK {
            if context.pointee.err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A timeout: hiredis flags the context as failed, but nothing was half-read; clear it.
                context.pointee.err = 0
                return nil
            }
            throw RedisError(message: Self.errorString(context))
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return try Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func withArgv<R>(
        _ arguments: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) throws -> R {
        let buffers = arguments.map { Array($0.utf8CString) }
        let lengths = arguments.map { $0.utf8.count }
        let pointers = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: buffers.count)
        defer { pointers.deallocate() }
        return withExtendedLifetime(buffers) {
            var storage: [UnsafeMutablePointer<CChar>] = []
            defer { storage.forEach { $0.deallocate() } }
            for (index, buffer) in buffers.enumerated() {
                let copy = UnsafeMutablePointer<CChar>.allocate(capacity: buffer.count)
                copy.initialize(from: buffer, count: buffer.count)
                storage.append(copy)
                pointers[index] = UnsafePointer(copy)
            }
            return lengths.withUnsafeBufferPointer { body(Int32(buffers.count), pointers, $0.baseAddress!) }
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) throws -> RedisReply {
        let value = reply.pointee
        switch Int32(value.type) {
        case REDIS_REPLY_STRING:
            return .string(string(value.str, value.len))
        case REDIS_REPLY_STATUS:
            return .status(string(value.str, value.len))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(value.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ERROR:
            throw RedisError(message: string(value.str, value.len))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            for index in 0..<Int(value.elements) {
                if let element = value.element[index] { items.append(try convert(element)) }
            }
            return .array(items)
        default:
            return .null
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
