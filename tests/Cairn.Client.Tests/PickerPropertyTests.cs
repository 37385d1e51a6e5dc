using Cairn.Client.LoadBalancing;
using CsCheck;

namespace Cairn.Client.Tests;

/// <summary>
/// Properties of the pickers against naive models. CsCheck prints the seed of a failing sample; pass it as
/// <c>seed:</c> to replay it.
/// </summary>
public sealed class PickerPropertyTests
{
    [Fact]
    public void Round_robin_is_fair_over_any_run_of_picks() =>
        Gen.Select(Gen.Int[1, 50], Gen.Int[0, 2000], Gen.Int[0, 1000]).Sample((count, picks, warmup) =>
        {
            var endpoints = new AvailableEndpoints(Endpoints.Create(count));
            var picker = new RoundRobinPicker();
            for (int i = 0; i < warmup; i++)
            {
                picker.Pick(endpoints);
            }

            var counts = new Dictionary<BackendEndpoint, int>();
            foreach (var e in endpoints.Items)
            {
                counts[e] = 0;
            }

            for (int i = 0; i < picks; i++)
            {
                counts[picker.Pick(endpoints)]++;
            }

            return counts.Values.Max() - counts.Values.Min() <= 1 && counts.Values.Sum() == picks;
        });

    [Fact]
    public void Power_of_two_choices_never_picks_the_more_loaded_of_its_two_candidates() =>
        Gen.Select(Gen.Int[0, 20].Array[2, 300], Gen.Long).Sample((inFlight, seed) =>
        {
            var items = Endpoints.Create(inFlight.Length);
            for (int i = 0; i < items.Length; i++)
            {
                Endpoints.SetInFlight(items[i], inFlight[i]);
            }

            var random = new SeededRandom(seed);
            var draws = new List<int>();
            var picker = new PowerOfTwoChoicesPicker(max => { var v = random.Next(max); draws.Add(v); return v; });

            var picked = picker.Pick(new AvailableEndpoints(items));

            var first = items[draws[0]];
            var second = items[draws[1] >= draws[0] ? draws[1] + 1 : draws[1]];
            return first != second
                && (picked == first || picked == second)
                && picked.InFlight <= (picked == first ? second : first).InFlight;
        });

    [Fact]
    public void Weighted_power_of_two_choices_picks_the_lower_load_per_weight() =>
        Gen.Select(Gen.Select(Gen.Int[0, 20], Gen.Int[1, 10]).Array[2, 100], Gen.Long).Sample((specs, seed) =>
        {
            var items = Endpoints.Create(specs.Length, i => specs[i].Item2);
            for (int i = 0; i < items.Length; i++)
            {
                Endpoints.SetInFlight(items[i], specs[i].Item1);
            }

            var random = new SeededRandom(seed);
            var draws = new List<int>();
            var picked = new PowerOfTwoChoicesPicker(max => { var v = random.Next(max); draws.Add(v); return v; }).Pick(new AvailableEndpoints(items));

            var first = items[draws[0]];
            var second = items[draws[1] >= draws[0] ? draws[1] + 1 : draws[1]];
            return Endpoints.Load(picked, picked == first ? second : first) <= 0;
        });

    [Fact]
    public void Least_connections_never_picks_a_busier_endpoint_than_necessary() =>
        Gen.Select(Gen.Int[0, 50].Array[1, 300], Gen.Int[0, 500]).Sample((inFlight, warmup) =>
        {
            var items = Endpoints.Create(inFlight.Length);
            for (int i = 0; i < items.Length; i++)
            {
                Endpoints.SetInFlight(items[i], inFlight[i]);
            }

            var picker = new LeastConnectionsPicker();
            var endpoints = new AvailableEndpoints(items);
            for (int i = 0; i < warmup; i++)
            {
                picker.Pick(endpoints);
            }

            return picker.Pick(endpoints).InFlight == inFlight.Min();
        });

    [Fact]
    public void Least_connections_picks_a_least_loaded_endpoint_after_any_sequence_of_leases() =>
        Gen.Select(Gen.Int[1, 30], Gen.Bool.Array[0, 500]).Sample((count, releases) =>
        {
            var items = Endpoints.Create(count);
            var picker = new LeastConnectionsPicker();
            var endpoints = new AvailableEndpoints(items);
            var held = new Stack<BackendEndpoint>();
            foreach (var release in releases)
            {
                if (release && held.Count > 0)
                {
                    held.Pop().Exit();
                }
                else
                {
                    var e = picker.Pick(endpoints);
                    e.Enter();
                    held.Push(e);
                }
            }

            // Whatever sequence of picks and releases led here, the next pick is a least-loaded endpoint.
            return picker.Pick(endpoints).InFlight == items.Min(e => e.InFlight);
        });

    [Fact]
    public void Weighted_round_robin_gives_each_endpoint_exactly_its_weight_per_cycle() =>
        Gen.Select(Gen.Int[1, 20].Array[1, 30], Gen.Int[1, 5], Gen.Int[0, 100]).Sample((weights, cycles, warmup) =>
        {
            var items = Endpoints.Create(weights.Length, i => weights[i]);
            var endpoints = new AvailableEndpoints(items);
            var picker = new WeightedRoundRobinPicker();
            for (int i = 0; i < warmup; i++)
            {
                picker.Pick(endpoints);
            }

            var counts = items.ToDictionary(e => e, _ => 0);
            for (int i = 0; i < endpoints.TotalWeight * cycles; i++)
            {
                counts[picker.Pick(endpoints)]++;
            }

            return items.All(e => counts[e] == e.Weight * cycles);
        });

    [Fact]
    public void Weight_lookup_matches_a_linear_scan() =>
        Gen.Int[1, 50].Array[1, 60].Sample(weights =>
        {
            var items = Endpoints.Create(weights.Length, i => weights[i]);
            var endpoints = new AvailableEndpoints(items);
            var point = 0;
            for (int i = 0; i < items.Length; i++)
            {
                for (int w = 0; w < weights[i]; w++, point++)
                {
                    if (endpoints.AtWeight(point) != items[i])
                    {
                        return false;
                    }
                }
            }

            return point == endpoints.TotalWeight;
        });

    [Fact]
    public void Seeded_random_replays_and_stays_in_range() =>
        Gen.Select(Gen.Long, Gen.Int[1, 1000]).Sample((seed, max) =>
        {
            var a = new SeededRandom(seed);
            var b = new SeededRandom(seed);
            return Enumerable.Range(0, 50).All(_ => a.Next(max) is var x && x == b.Next(max) && x >= 0 && x < max);
        });

    [Fact]
    public void Random_pickers_follow_the_injected_source()
    {
        var items = Endpoints.Create(5, i => i + 1);
        var endpoints = new AvailableEndpoints(items);

        Assert.Same(items[3], new RandomPicker(_ => 3).Pick(endpoints));
        Assert.Same(items[4], new WeightedRandomPicker(total => total - 1).Pick(endpoints));
        Assert.Same(items[0], new WeightedRandomPicker(_ => 0).Pick(endpoints));
    }
}
