import PostgresNIO

extension Error {
    /// The SQLSTATE the server answered with, if this is a server error; lets callers turn a
    /// race that a constraint caught (a unique violation) into the domain's own answer.
    public var sqlState: String? {
        (self as? PSQLError)?.serverInfo?[.sqlState]
    }
}
