namespace Parley.Server.Accounts;

/// <summary>What an <see cref="AccountService"/> change did; callers map it to exit codes or stanza errors.</summary>
public enum AccountResult
{
    Succeeded,

    /// <summary>Create found the account already there.</summary>
    AlreadyExists,

    /// <summary>SetPassword or Remove found no such account.</summary>
    NotFound,

    /// <summary>The address is not a bare JID with a localpart.</summary>
    InvalidAddress,

    /// <summary>The domain is not one of the configured Domains.</summary>
    DomainNotHosted,

    /// <summary>The password is empty or not acceptable to PRECIS OpaqueString (RFC 8265 §4.2).</summary>
    InvalidPassword,
}
