using Sessions.Abstractions.Entities;

namespace Sessions.Grains.Tests;

public sealed class EntityKeyTests
{
    [Theory]
    [InlineData("room-42")]
    [InlineData("rec-8a{1d}")]
    [InlineData("100%{}%7B")]
    [InlineData("a/b")]
    public void KeySplitsBackIntoProviderAndId(string id)
    {
        var key = EntityKey.Of("eyeson", id);

        Assert.Equal(("eyeson", id), EntityKey.Split(key));
        Assert.DoesNotContain('{', key);
        Assert.DoesNotContain('}', key);
    }

    [Fact]
    public void OrdinaryIdsKeepTheirReadableKey()
    {
        Assert.Equal("dyte/bbb0a1f2-1234-4cde-9f00-aa11bb22cc33", EntityKey.Of("dyte", "bbb0a1f2-1234-4cde-9f00-aa11bb22cc33"));
    }
}
