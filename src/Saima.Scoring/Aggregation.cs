namespace Saima.Scoring;

public static partial class ScoringEngine
{
    private sealed partial class PeriodScorer
    {
        /// <summary>
        /// Aggregates group <paramref name="g"/> from its children's scores into <paramref name="result"/>.
        /// Returns the children's weights per track ([track][child]), as given, equal or entropy.
        /// </summary>
        private double[][] Aggregate(int g, double[][] scores, double[] result, double[]?[][]? childWeightsTrace)
        {
            GroupDef def = _plan.Scheme.Groups[g];
            int[] children = _plan.Children[g];
            int nChildren = children.Length;
            double[][] weights = GroupWeights(g, def, children, scores);

            double[]?[]? trace = null;
            if (childWeightsTrace is not null)
            {
                trace = new double[_n][];
                childWeightsTrace[g] = trace;
            }

            // Which units can be aggregated at all: enough children present, weights not all zero.
            var ok = new bool[_n];
            foreach (int u in _active)
            {
                ok[u] = Aggregable(def, children, weights[_trackOf[u]], scores, u, out _);
            }

            Dictionary<int[], (double[] Ideal, double[] Anti)>? topsisCache = null;
            foreach (int u in _active)
            {
                if (!ok[u])
                {
                    continue;
                }

                int t = _trackOf[u];
                double[] w = weights[t];
                AggregateMethod method = _plan.Aggregate[t][g].Method;
                double sumW = 0;
                for (int k = 0; k < nChildren; k++)
                {
                    if (!double.IsNaN(scores[children[k]][u]))
                    {
                        sumW += w[k];
                    }
                }

                if (trace is not null)
                {
                    var used = new double[nChildren];
                    trace[u] = used;
                    for (int k = 0; k < nChildren; k++)
                    {
                        used[k] = double.IsNaN(scores[children[k]][u]) ? double.NaN
                            : method == AggregateMethod.Sum ? w[k] : w[k] / sumW;
                    }
                }

                result[u] = Combine(g, def, children, method, weights, w, sumW, scores, ok, u, ref topsisCache);
            }

            return weights;
        }

        /// <summary>The children's weights of group g per track ([track][child]): as given, equal, or entropy weights from the children's scores.</summary>
        private double[][] GroupWeights(int g, GroupDef def, int[] children, double[][] scores)
        {
            int nChildren = children.Length;
            int nTracks = _plan.TrackCount;
            var weights = new double[nTracks][];
            double[]? sharedEntropy = null;
            for (int t = 0; t < nTracks; t++)
            {
                weights[t] = new double[nChildren];
                switch (_plan.Weighting[t][g])
                {
                    case WeightingMethod.Given:
                        for (int k = 0; k < nChildren; k++)
                        {
                            weights[t][k] = _plan.Weight[t][children[k]];
                        }

                        break;
                    case WeightingMethod.Equal:
                        Array.Fill(weights[t], 1.0);
                        break;
                    case WeightingMethod.Entropy:
                        // With compare: all every track sees the same units, hence the same weights.
                        // A track without units in this period has nothing to weigh.
                        weights[t] = _activeByTrack[t].Length == 0 ? Nan(nChildren)
                            : _plan.CompareTrack
                            ? EntropyWeights(def, children, scores, Compared(t))
                            : sharedEntropy ??= EntropyWeights(def, children, scores, _active);
                        break;
                }
            }

            return weights;
        }

        /// <summary>
        /// Whether group g aggregates a unit from that unit's children alone, under weights that do
        /// not depend on the scores: given or equal weights and a weighted mean, sum or median on
        /// every track (not entropy weights, TOPSIS or Copeland, which read every unit).
        /// </summary>
        internal static bool IsRowWise(Plan plan, int g)
        {
            for (int t = 0; t < plan.TrackCount; t++)
            {
                if (plan.Weighting[t][g] == WeightingMethod.Entropy || plan.Aggregate[t][g].Method is AggregateMethod.Topsis or AggregateMethod.Copeland)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Group g's column after adjustments, for a row-wise group (<see cref="IsRowWise"/>) whose
        /// children changed only for the units of <paramref name="changed"/>: those units are
        /// aggregated and adjusted again exactly as <see cref="Aggregate"/> and <see cref="Adjust"/>
        /// do, every other unit keeps its value in <paramref name="baseline"/> (a new array).
        /// </summary>
        private double[] AggregateRows(int g, double[][] scores, double[] baseline, double[]? points, bool[] changed)
        {
            GroupDef def = _plan.Scheme.Groups[g];
            int[] children = _plan.Children[g];
            int nChildren = children.Length;
            double[][] weights = GroupWeights(g, def, children, scores);
            double[] result = (double[])baseline.Clone();
            Dictionary<int[], (double[] Ideal, double[] Anti)>? unused = null;
            foreach (int u in _active)
            {
                if (!changed[u])
                {
                    continue;
                }

                result[u] = double.NaN;
                double[] w = weights[_trackOf[u]];
                if (!Aggregable(def, children, w, scores, u, out double sumW))
                {
                    continue;
                }

                double v = Combine(g, def, children, _plan.Aggregate[_trackOf[u]][g].Method, weights, w, sumW, scores, changed, u, ref unused);
                if (points is not null && !double.IsNaN(v) && points[u] != 0)
                {
                    v += points[u];
                }

                result[u] = v;
            }

            return result;
        }

        /// <summary>
        /// Whether unit u can be aggregated in a group: some children present, at least the group's
        /// minimum share of them, and their weights (<paramref name="w"/>, the unit's track's) not
        /// summing to zero; <paramref name="sumW"/> is that sum of the present children's weights.
        /// </summary>
        private static bool Aggregable(GroupDef def, int[] children, double[] w, double[][] scores, int u, out double sumW)
        {
            int present = 0;
            sumW = 0;
            for (int k = 0; k < children.Length; k++)
            {
                if (!double.IsNaN(scores[children[k]][u]))
                {
                    present++;
                    sumW += w[k];
                }
            }

            return present > 0 && (double)present / children.Length >= def.MinDataShare && sumW != 0;
        }

        /// <summary>Unit u's aggregate of group g (it can be aggregated: <paramref name="ok"/>[u]); TOPSIS and Copeland read the other units too.</summary>
        private double Combine(
            int g,
            GroupDef def,
            int[] children,
            AggregateMethod method,
            double[][] weights,
            double[] w,
            double sumW,
            double[][] scores,
            bool[] ok,
            int u,
            ref Dictionary<int[], (double[] Ideal, double[] Anti)>? topsisCache)
        {
            int nChildren = children.Length;
            int t = _trackOf[u];
            switch (method)
            {
                case AggregateMethod.Arithmetic:
                {
                    double s = 0;
                    for (int k = 0; k < nChildren; k++)
                    {
                        double x = scores[children[k]][u];
                        if (!double.IsNaN(x))
                        {
                            s += w[k] * x;
                        }
                    }

                    return s / sumW;
                }

                case AggregateMethod.Sum:
                {
                    double s = 0;
                    for (int k = 0; k < nChildren; k++)
                    {
                        double x = scores[children[k]][u];
                        if (!double.IsNaN(x))
                        {
                            s += w[k] * x;
                        }
                    }

                    return s;
                }

                case AggregateMethod.Geometric:
                {
                    double s = 0;
                    for (int k = 0; k < nChildren; k++)
                    {
                        double x = scores[children[k]][u];
                        if (!double.IsNaN(x))
                        {
                            RequirePositive(x, u, def, children[k], "a geometric mean");
                            s += w[k] * Math.Log(x);
                        }
                    }

                    return Math.Exp(s / sumW);
                }

                case AggregateMethod.Harmonic:
                {
                    double s = 0;
                    for (int k = 0; k < nChildren; k++)
                    {
                        double x = scores[children[k]][u];
                        if (!double.IsNaN(x))
                        {
                            RequirePositive(x, u, def, children[k], "a harmonic mean");
                            s += w[k] / x;
                        }
                    }

                    return sumW / s;
                }

                case AggregateMethod.Median:
                    return WeightedMedian(children, scores, w, u, sumW);
                case AggregateMethod.Topsis:
                {
                    int[] compared = Compared(t);
                    topsisCache ??= new Dictionary<int[], (double[], double[])>(ReferenceEqualityComparer.Instance);
                    if (!topsisCache.TryGetValue(compared, out (double[] Ideal, double[] Anti) ia))
                    {
                        ia = TopsisIdeals(children, scores, weights, ok, compared);
                        topsisCache[compared] = ia;
                    }

                    double dPlus = 0, dMinus = 0;
                    for (int k = 0; k < nChildren; k++)
                    {
                        double x = scores[children[k]][u];
                        if (double.IsNaN(x))
                        {
                            continue;
                        }

                        double v = w[k] / sumW * x;
                        dPlus += (v - ia.Ideal[k]) * (v - ia.Ideal[k]);
                        dMinus += (v - ia.Anti[k]) * (v - ia.Anti[k]);
                    }

                    dPlus = Math.Sqrt(dPlus);
                    dMinus = Math.Sqrt(dMinus);
                    double total = dPlus + dMinus;
                    return total == 0 ? double.NaN : dMinus / total;
                }

                case AggregateMethod.Copeland:
                    return Copeland(children, scores, w, ok, Compared(t), u);
            }

            return double.NaN;
        }

        private int[] Compared(int track) => _plan.CompareTrack ? _activeByTrack[track] : _active;

        private void RequirePositive(double x, int u, GroupDef def, int child, string what)
        {
            if (x <= 0)
            {
                throw new ScoringException(
                    $"{Where(_pd.Period)}unit '{UnitCode(u)}', group '{def.Code}': child '{_plan.Scheme.NodeCode(child)}' has score {Text(x)}; {what} needs scores > 0 (normalise to a range with a lower bound above 0)");
            }
        }

        /// <summary>
        /// Sort the present children by score; the first score at which the cumulative weight exceeds
        /// half the total; where it equals half exactly, the mean of that score and the next.
        /// </summary>
        private static double WeightedMedian(int[] children, double[][] scores, double[] w, int u, double sumW)
        {
            int nChildren = children.Length;
            var xs = new List<(double X, double W)>(nChildren);
            for (int k = 0; k < nChildren; k++)
            {
                double x = scores[children[k]][u];
                if (!double.IsNaN(x))
                {
                    xs.Add((x, w[k]));
                }
            }

            // A stable sort keeps children of equal score in scheme order.
            (double X, double W)[] sorted = xs.OrderBy(e => e.X).ToArray();

            // Weights are decimal numbers written in the scheme (0.1, 0.2, 0.3): summed as binary
            // doubles, 0.1 + 0.2 misses 0.3, and "exactly half" would never be seen. Summed as
            // decimals (each weight taken to its 15 significant digits), it is.
            if (sorted.All(e => Math.Abs(e.W) < 1e20))
            {
                decimal total = 0;
                var dw = new decimal[sorted.Length];
                for (int k = 0; k < sorted.Length; k++)
                {
                    dw[k] = (decimal)sorted[k].W;
                    total += dw[k];
                }

                decimal dHalf = total / 2, dCum = 0;
                for (int k = 0; k < sorted.Length; k++)
                {
                    dCum += dw[k];
                    if (dCum > dHalf)
                    {
                        return sorted[k].X;
                    }

                    if (dCum == dHalf)
                    {
                        return k + 1 < sorted.Length ? (sorted[k].X + sorted[k + 1].X) / 2 : sorted[k].X;
                    }
                }

                return sorted[^1].X;
            }

            double half = sumW / 2, cum = 0;
            for (int k = 0; k < sorted.Length; k++)
            {
                cum += sorted[k].W;
                if (cum > half)
                {
                    return sorted[k].X;
                }

                if (cum == half)
                {
                    return k + 1 < sorted.Length ? (sorted[k].X + sorted[k + 1].X) / 2 : sorted[k].X;
                }
            }

            return sorted[^1].X;
        }

        /// <summary>Column maxima and minima of v = w′·x over the compared units that can be aggregated.</summary>
        private (double[] Ideal, double[] Anti) TopsisIdeals(int[] children, double[][] scores, double[][] weights, bool[] ok, int[] compared)
        {
            int nChildren = children.Length;
            var ideal = new double[nChildren];
            var anti = new double[nChildren];
            Array.Fill(ideal, double.NegativeInfinity);
            Array.Fill(anti, double.PositiveInfinity);
            foreach (int o in compared)
            {
                if (!ok[o])
                {
                    continue;
                }

                double[] w = weights[_trackOf[o]];
                double sumW = 0;
                for (int k = 0; k < nChildren; k++)
                {
                    if (!double.IsNaN(scores[children[k]][o]))
                    {
                        sumW += w[k];
                    }
                }

                for (int k = 0; k < nChildren; k++)
                {
                    double x = scores[children[k]][o];
                    if (double.IsNaN(x))
                    {
                        continue;
                    }

                    double v = w[k] / sumW * x;
                    ideal[k] = Math.Max(ideal[k], v);
                    anti[k] = Math.Min(anti[k], v);
                }
            }

            return (ideal, anti);
        }

        /// <summary>
        /// Copeland score: against every other compared unit with a score, the children both have
        /// decide the pair, weighted by the scored unit's weights (ties count half to each side);
        /// +1 for a win, −1 for a loss, 0 for a tie.
        /// </summary>
        private static double Copeland(int[] children, double[][] scores, double[] w, bool[] ok, int[] compared, int u)
        {
            int total = 0;
            foreach (int o in compared)
            {
                if (o == u || !ok[o])
                {
                    continue;
                }

                double mine = 0, theirs = 0;
                for (int k = 0; k < children.Length; k++)
                {
                    double a = scores[children[k]][u], b = scores[children[k]][o];
                    if (double.IsNaN(a) || double.IsNaN(b))
                    {
                        continue;
                    }

                    if (a > b)
                    {
                        mine += w[k];
                    }
                    else if (a < b)
                    {
                        theirs += w[k];
                    }
                    else
                    {
                        mine += w[k] / 2;
                        theirs += w[k] / 2;
                    }
                }

                total += mine > theirs ? 1 : mine < theirs ? -1 : 0;
            }

            return total;
        }

        /// <summary>
        /// Entropy weights from the children's scores over the compared units with a score:
        /// p = x/Σx, e = −Σ p·ln p / ln m, w = (1 − e)/Σ(1 − e).
        /// </summary>
        private double[] EntropyWeights(GroupDef def, int[] children, double[][] scores, int[] compared)
        {
            int nChildren = children.Length;
            var d = new double[nChildren];
            double sumD = 0;
            string where = $"{Where(_pd.Period)}group '{def.Code}'";
            for (int k = 0; k < nChildren; k++)
            {
                double[] x = scores[children[k]];
                string child = _plan.Scheme.NodeCode(children[k]);
                int m = 0;
                double sum = 0;
                foreach (int u in compared)
                {
                    double v = x[u];
                    if (double.IsNaN(v))
                    {
                        continue;
                    }

                    if (v < 0)
                    {
                        throw new ScoringException($"{where}: entropy weights need scores ≥ 0, but unit '{UnitCode(u)}' has {Text(v)} for '{child}'");
                    }

                    m++;
                    sum += v;
                }

                if (m < 2)
                {
                    throw new ScoringException($"{where}: entropy weights need at least 2 units with a score for '{child}', found {m}");
                }

                if (sum == 0)
                {
                    throw new ScoringException($"{where}: entropy weights need a non-zero sum of scores for '{child}'");
                }

                double h = 0;
                foreach (int u in compared)
                {
                    double v = x[u];
                    if (double.IsNaN(v) || v == 0)
                    {
                        continue;
                    }

                    double p = v / sum;
                    h += p * Math.Log(p);
                }

                double e = -h / Math.Log(m);
                d[k] = 1 - e;
                sumD += d[k];
            }

            if (sumD == 0)
            {
                throw new ScoringException($"{where}: entropy weights are undefined: every child has entropy 1 (no spread among units)");
            }

            var w = new double[nChildren];
            for (int k = 0; k < nChildren; k++)
            {
                w[k] = d[k] / sumD;
            }

            return w;
        }
    }
}
