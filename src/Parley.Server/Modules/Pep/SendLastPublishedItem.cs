namespace Parley.Server.Modules.Pep;

/// <summary>XEP-0060 pubsub#send_last_published_item: when the last item goes to a newly interested entity.</summary>
internal enum SendLastPublishedItem
{
    Never,
    OnSub,
    OnSubAndPresence,
}
