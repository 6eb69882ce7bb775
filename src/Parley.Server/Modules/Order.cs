namespace Parley.Server.Modules;

/// <summary>Position in a message/presence chain; within one order, registration order holds.</summary>
internal enum Order
{
    First,
    Normal,
    Fallback,
}
