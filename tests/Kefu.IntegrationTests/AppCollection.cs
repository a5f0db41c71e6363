using Kefu.Tests.Shared;

namespace Kefu.IntegrationTests;

/// <summary>One running app (and one store) shared by the integration tests; each test creates the data it needs.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<KefuAppFactory>
{
    public const string Name = "app";
}
