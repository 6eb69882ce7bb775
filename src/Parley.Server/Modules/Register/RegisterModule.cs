using Microsoft.Extensions.Logging;
using Parley.Server.Accounts;
using Parley.Server.Diagnostics;
using Parley.Server.Sessions;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Register;

/// <summary>
/// XEP-0077 in-band registration: account creation before authentication, password change and
/// account removal after. Registered only when AllowRegistration is true.
/// </summary>
internal sealed class RegisterModule(AccountService accounts, ISessionDirectory sessions, RegistrationThrottle throttle, ILogger<RegisterModule> logger) : IXmppModule
{
    public void Map(ModuleMap map)
    {
        map.Feature(Namespaces.Register);
        map.StreamFeature(StreamStage.PreAuthentication, static _ => new Element("register", Namespaces.RegisterFeature));
        var addressed = Addressed.Unauthenticated | Addressed.Server | Addressed.Account;
        map.Iq("get", "query", Namespaces.Register, addressed, GetAsync);
        map.Iq("set", "query", Namespaces.Register, addressed, SetAsync);
    }

    private static ValueTask<IqReply> GetAsync(IqContext context)
    {
        var query = new Element("query", Namespaces.Register);
        if (context.Session is { } session)
        {
            // XEP-0077 §3.2: an authenticated entity is told it is registered.
            query.AddElement("registered");
            query.AddElement("username").AddText(session.Account.Local ?? "");
        }
        else
        {
            query.AddElement("instructions").AddText("Choose a username and password.");
            query.AddElement("username");
        }

        query.AddElement("password");
        return ValueTask.FromResult(IqReply.Result(query));
    }

    private async ValueTask<IqReply> SetAsync(IqContext context)
    {
        var query = context.Payload;
        var password = query.ChildText("password", Namespaces.Register);
        if (context.From is { } origin && origin.Kind != Sessions.OriginKind.LocalSession)
        {
            // Accounts are created and changed by this server's own clients only, never over federation.
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (context.Session is not { } session)
        {
            return await CreateAsync(context, query.ChildText("username", Namespaces.Register), password).ConfigureAwait(false);
        }

        if (!context.To.Equals(session.Account) && context.To.Local is not null)
        {
            return IqReply.Fail(StanzaErrorCondition.Forbidden);
        }

        if (query.Child("remove", Namespaces.Register) is not null)
        {
            if (await accounts.RemoveAsync(session.Account, context.CancellationToken).ConfigureAwait(false) != AccountResult.Succeeded)
            {
                // Removed meanwhile by another stream or `parley user remove`: nothing was removed here.
                return IqReply.Fail(StanzaErrorCondition.ItemNotFound);
            }

            ModuleLog.AccountRemoved(logger, session.Account.ToString());
            // XEP-0077 §3.2: after the result, every stream of the removed account ends with <not-authorized/>.
            foreach (var resource in sessions.Resources(session.Account))
            {
                resource.Endpoint.Terminate(StreamErrorCondition.NotAuthorized, "Account removed");
            }

            return IqReply.Empty;
        }

        // XEP-0077 §3.3: a password change names the account's own username.
        var username = query.ChildText("username", Namespaces.Register);
        if (string.IsNullOrEmpty(password) || (username is not null && !IsSameAccount(session.Account, username)))
        {
            return IqReply.Fail(StanzaErrorCondition.BadRequest);
        }

        if (!throttle.TryChangePassword(session.Account))
        {
            // Limits:PasswordChangesPerAccountPerHour: each change derives two SCRAM keys.
            return TryLater("Too many password changes for this account; try again later");
        }

        var changed = await accounts.SetPasswordAsync(session.Account, password, context.CancellationToken).ConfigureAwait(false);
        if (changed != AccountResult.Succeeded)
        {
            return IqReply.Fail(changed == AccountResult.InvalidPassword ? StanzaErrorCondition.NotAcceptable : StanzaErrorCondition.InternalServerError);
        }

        ModuleLog.PasswordChanged(logger, session.Account.ToString());
        return IqReply.Empty;
    }

    private async ValueTask<IqReply> CreateAsync(IqContext context, string? username, string? password)
    {
        if (!context.IsSecure)
        {
            return IqReply.Fail(StanzaErrorCondition.NotAuthorized);
        }

        // XEP-0077 §3.1: missing or unusable fields are not-acceptable.
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return IqReply.Fail(StanzaErrorCondition.NotAcceptable);
        }

        if (!throttle.TryAttempt(context.RemoteAddress))
        {
            // Limits:RegistrationAttemptsPerIpPerHour and RegistrationsPerIpPerHour. XEP-0077 names no
            // condition for this; RFC 6120 §8.3.3.12 policy-violation with type 'wait' says a local
            // policy refused it and a later retry may work.
            return TryLater("Too many registrations from your address; try again later");
        }

        Jid account;
        try
        {
            account = Jid.Create(username, context.Domain);
        }
        catch (FormatException)
        {
            return IqReply.Fail(StanzaErrorCondition.NotAcceptable);
        }

        switch (await accounts.CreateAsync(account, password, context.CancellationToken).ConfigureAwait(false))
        {
            case AccountResult.Succeeded:
                break;
            case AccountResult.AlreadyExists:
                // XEP-0077 §3.1: the username is taken.
                return IqReply.Fail(StanzaErrorCondition.Conflict);
            default:
                return IqReply.Fail(StanzaErrorCondition.NotAcceptable);
        }

        throttle.Registered(context.RemoteAddress);
        ModuleLog.Registered(logger, account.ToString());
        return IqReply.Empty;
    }

    private static IqReply TryLater(string text) =>
        new(null, new StanzaError(StanzaErrorType.Wait, StanzaErrorCondition.PolicyViolation, text));

    private static bool IsSameAccount(Jid account, string username) =>
        Jid.TryParse($"{username}@{account.Domain}", out var named) && named.Equals(account);
}
