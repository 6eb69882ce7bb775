namespace Parley.Server.Routing;

/// <summary>
/// A feature that serves a component domain per hosted domain (MUC on conference.&lt;domain&gt;): its
/// handlers depend on the configured domains, so it registers one set rather than one handler each.
/// </summary>
internal interface IComponentSet
{
    IEnumerable<IComponentHandler> Components { get; }
}
