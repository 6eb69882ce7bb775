using Parley.Server.Modules.Muc;
using Parley.Xmpp.Addressing;

namespace Parley.Server.Tests.Storage.Contracts;

/// <summary>Persistent MUC rooms (<see cref="SqlRoomStore"/>, <see cref="RoomSnapshot"/>) on every engine.</summary>
public abstract class RoomStoreTests(StorageEngine engine) : StoreContract(engine)
{
    private static readonly RoomEnvironment Environment = new(TimeProvider.System, 100, 5, 10, 5, (room, user) => room + "|" + user);

    private SqlRoomStore Store => new(Sql);

    [Fact]
    public async Task A_saved_room_comes_back_with_its_configuration_affiliations_and_subject_and_deleting_forgets_it()
    {
        var jid = Jid.Parse("lobby@conference.localhost");
        var room = new Room(jid, Jid.Parse("alice@localhost/r"), Environment, new RoomConfig
        {
            Name = "Lobby <&> ünï",
            Persistent = true,
            Public = false,
            MembersOnly = true,
            Moderated = true,
            Password = "pw",
            MaxUsers = 42,
            NonAnonymous = true,
            AllowInvites = true,
            PrivateMessagesFrom = MucRole.Moderator,
        });
        room.Restore([new(Jid.Parse("alice@localhost"), MucAffiliation.Owner), new(Jid.Parse("eve@example.net"), MucAffiliation.Outcast)], "Plans", "Alice");
        room.Reserve(Jid.Parse("bob@localhost"), "Bobby");
        await Store.SaveAsync(jid.ToString(), RoomSnapshot.Write(room), None);
        await Store.SaveAsync(jid.ToString(), RoomSnapshot.Write(room), None);

        var (storedJid, xml) = Assert.Single(await Store.LoadAllAsync(None));
        Assert.Equal(jid.ToString(), storedJid);
        var back = RoomSnapshot.Read(jid, xml, Environment);
        Assert.Equal(room.Config, back.Config);
        Assert.Equal(MucAffiliation.Owner, back.AffiliationOf(Jid.Parse("alice@localhost/other")));
        Assert.Equal(MucAffiliation.Outcast, back.AffiliationOf(Jid.Parse("eve@example.net")));
        Assert.Equal("Plans", back.Subject);
        Assert.Equal("Bobby", back.ReservedNicks[Jid.Parse("bob@localhost")]);
        Assert.Equal("Alice", back.SubjectBy);
        Assert.False(back.Locked);

        await Store.DeleteAsync(jid.ToString(), None);
        Assert.Empty(await Store.LoadAllAsync(None));
    }
}

public sealed class RoomStoreOnSqlite() : RoomStoreTests(StorageEngine.Sqlite);

public sealed class RoomStoreOnPostgres() : RoomStoreTests(StorageEngine.Postgres);
