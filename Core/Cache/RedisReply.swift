/// A Redis reply, copied out of hiredis' memory so it can cross threads.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case array([RedisReply])
    case status(String)
    case null

    public var string: String? {
        switch self {
        case .string(let value), .status(let value): return value
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .string(let value): return Int64(value)
        default: return nil
        }
    }
}

public struct RedisError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "Redis: \(message)" }
}
