using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Server.Diagnostics;
using Parley.Server.Modules.Pep;
using Parley.Server.Routing;
using Parley.Server.Sessions;
using Parley.Server.Storage;
using Parley.Xmpp;
using Parley.Xmpp.Addressing;
using Parley.Xmpp.Stanzas;
using Parley.Xmpp.Streams;
using Parley.Xmpp.Xml;

namespace Parley.Server.Modules.Push;

/// <summary>
/// XEP-0357 §7: when something a user should hear about arrives for an account, each of its
/// registrations whose device is not online (no session that enabled it has a live connection: it is
/// hibernated by stream management, or gone) gets a notification: a XEP-0060 publish, from the
/// account's bare JID, to the app server's node, with the urn:xmpp:push:summary form and the
/// client's publish-options. The app server's error disables the registration (§8) when it says the
/// node is not valid (item-not-found, forbidden and the like) or after Modules:Push:MaxErrors errors
/// in a row; temporary ('wait') errors and silence keep it.
/// </summary>
internal sealed class PushNotifier(
    PushRegistrations registrations,
    ISessionDirectory sessions,
    StanzaDelivery delivery,
    IOptions<PushOptions> options,
    TimeProvider time,
    ILogger<PushNotifier> logger) : IDisposable
{
    private const string SummaryFormType = "urn:xmpp:push:summary";

    /// <summary>Conditions by which an app server says this registration is no more (XEP-0357 §8).</summary>
    private static readonly HashSet<StanzaErrorCondition> Permanent =
    [
        StanzaErrorCondition.ItemNotFound,
        StanzaErrorCondition.Forbidden,
        StanzaErrorCondition.NotAuthorized,
        StanzaErrorCondition.RegistrationRequired,
        StanzaErrorCondition.NotAllowed,
        StanzaErrorCondition.Gone,
    ];

    private readonly PushOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// An event for <paramref name="account"/>: counted for each registration whose device is not
    /// online, and notified (now, or summed into the next notification).
    /// </summary>
    public void Notify(Jid account, string? sender, string? body, bool subscription)
    {
        var devices = registrations.Of(account);
        if (devices.Length == 0)
        {
            return;
        }

        var online = sessions.Resources(account);
        foreach (var device in devices)
        {
            if (IsOnline(device, online))
            {
                device.Reset();
            }
            else if (device.Record(sender, body, subscription))
            {
                _ = SendAsync(device);
            }
        }
    }

    /// <summary>A device is online when a session that enabled its registration has a connection (not hibernated).</summary>
    private static bool IsOnline(PushDevice device, IReadOnlyList<ClientSession> resources)
    {
        foreach (var session in resources)
        {
            if (!session.IsDetached && session.Features.Get<PushEnabled>() is { } enabled && enabled.Matches(device))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sends notifications to one registration until nothing new is pending, one at a time, spaced by the interval.</summary>
    private async Task SendAsync(PushDevice device)
    {
        var registration = device.Registration;
        try
        {
            do
            {
                var wait = device.LastSent + TimeSpan.FromSeconds(_options.MinIntervalSeconds) - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, _stopping.Token).ConfigureAwait(false);
                }

                if (!registrations.IsCurrent(device))
                {
                    return;
                }

                var answer = await delivery.AskAsync(registration.Account.Bare, Publish(registration, device.Take()), registration.AppServer,
                    TimeSpan.FromSeconds(_options.ReplyTimeoutSeconds), _stopping.Token).ConfigureAwait(false);
                if (answer is null)
                {
                    PushLog.Unanswered(logger, registration.Account.ToString(), registration.AppServer.ToString());
                }
                else if (await RefusedAsync(device, answer).ConfigureAwait(false))
                {
                    return;
                }
            }
            while (device.Sent(time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            PushLog.Failed(logger, registration.Account.ToString(), registration.AppServer.ToString(), e);
            device.Sent(time.GetUtcNow());
        }
    }

    /// <summary>XEP-0357 §8: true when the answer disabled the registration.</summary>
    private async Task<bool> RefusedAsync(PushDevice device, Element answer)
    {
        if (Stanza.Type(answer) != "error")
        {
            device.Succeeded();
            return false;
        }

        var error = StanzaError.FromStanza(answer) ?? StanzaError.Of(StanzaErrorCondition.UndefinedCondition);
        if (error.Type == StanzaErrorType.Wait)
        {
            return false;
        }

        var condition = error.Condition;
        if (!Permanent.Contains(condition) && device.Failed() < _options.MaxErrors)
        {
            return false;
        }

        var registration = device.Registration;
        await registrations.DisableAsync(registration.Account, registration.AppServer, registration.Node, CancellationToken.None).ConfigureAwait(false);
        PushLog.Disabled(logger, registration.Account.ToString(), registration.AppServer.ToString(), ConditionNames<StanzaErrorCondition>.Name(condition));
        return true;
    }

    /// <summary>XEP-0357 §7 Example 9: the publish to the app server's node, with the client's publish-options.</summary>
    private Element Publish(PushRegistration registration, PushSummary summary)
    {
        var iq = new Element("iq", Namespaces.Client).SetAttribute("type", "set");
        var pubsub = iq.AddElement("pubsub", PepNamespaces.PubSub);
        var publish = pubsub.AddElement("publish", PepNamespaces.PubSub);
        if (registration.Node.Length > 0)
        {
            publish.SetAttribute("node", registration.Node);
        }

        var form = publish.AddElement("item", PepNamespaces.PubSub).AddElement("notification", PushModule.Namespace)
            .AddElement("x", Namespaces.DataForms).SetAttribute("type", "submit");
        Field(form, "FORM_TYPE", SummaryFormType);
        Field(form, "message-count", summary.Messages.ToString(CultureInfo.InvariantCulture));
        if (summary.Subscriptions > 0)
        {
            Field(form, "pending-subscription-count", summary.Subscriptions.ToString(CultureInfo.InvariantCulture));
        }

        if (_options.IncludeSender && summary.LastSender is { } sender)
        {
            Field(form, "last-message-sender", sender);
        }

        if (_options.IncludeBody && summary.LastBody is { } body)
        {
            Field(form, "last-message-body", body);
        }

        if (registration.PublishOptions is { } publishOptions)
        {
            pubsub.AddElement("publish-options", PepNamespaces.PubSub).Add(StoredXml.Read(publishOptions));
        }

        return iq;
    }

    private static void Field(Element form, string name, string value) =>
        form.AddElement("field", Namespaces.DataForms).SetAttribute("var", name).AddElement("value", Namespaces.DataForms).AddText(value);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
