import Testing

@testable import YearDaemon

@Suite struct MallocArenasTests {
    @Test func limitsTheArenasWhenTheEnvironmentNamesNone() {
        #expect(MallocArenas.limit(environment: [:]))
        #expect(MallocArenas.limit(environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"]))
    }

    @Test func leavesAnAdministratorsChoiceAlone() {
        #expect(!MallocArenas.limit(environment: ["MALLOC_ARENA_MAX": "8"]))
        #expect(!MallocArenas.limit(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=4"]))
        #expect(!MallocArenas.limit(environment: ["GLIBC_TUNABLES": "glibc.malloc.check=0:glibc.malloc.arena_max=4"]))
    }
}
