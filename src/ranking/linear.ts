/**
 * A logistic-regression model over named features, as saved in the committed model file: inputs are
 * standardised with the training set's mean and scale, then weighed.
 */
export interface LinearModel {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** The model's log-odds for one feature vector (in `model.features` order). */
export function logit(model: LinearModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i += 1) z += model.weights[i]! * (((x[i] ?? 0) - model.mean[i]!) / model.scale[i]!);
  return z;
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, z))));
}

/** Each value's share of the exponentials of all: the softmax. */
export function softmax(values: readonly number[]): number[] {
  const top = Math.max(...values);
  const e = values.map((value) => Math.exp(value - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((value) => value / total);
}

/** Options for training. */
export interface TrainOptions {
  /** L2 penalty on the standardised weights (not the bias). */
  l2: number;
  /** Per-row weights (e.g. to give every question the same say however many candidates it has). */
  rowWeights?: number[];
  iterations?: number;
}

/**
 * Fits a logistic regression by Newton's method (iteratively reweighted least squares) with an L2
 * penalty: exact and deterministic for a few dozen features, which is all Tether has. (The npm
 * packages found either run plain gradient descent with no penalty and a fixed step count, or pull
 * in a matrix library; this is 60 lines.)
 */
export function trainLogistic(names: string[], rows: number[][], labels: number[], options: TrainOptions): LinearModel {
  const d = names.length;
  const n = rows.length;
  if (n === 0) throw new Error('no training rows');
  const rowWeight = (i: number) => options.rowWeights?.[i] ?? 1;
  const { mean, scale } = standardisation(d, rows, rowWeight);
  const standardised = rows.map((row) => [1, ...row.map((value, j) => (value - mean[j]!) / scale[j]!)]);

  // Parameter 0 is the bias.
  let beta = new Array<number>(d + 1).fill(0);
  for (let iteration = 0; iteration < (options.iterations ?? 25); iteration += 1) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    standardised.forEach((x, i) => {
      let z = 0;
      for (let j = 0; j <= d; j += 1) z += beta[j]! * x[j]!;
      const p = sigmoid(z);
      const w = rowWeight(i);
      const r = w * (p - labels[i]!);
      const c = w * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j <= d; j += 1) {
        gradient[j]! += r * x[j]!;
        const row = hessian[j]!;
        const xj = c * x[j]!;
        for (let k = j; k <= d; k += 1) row[k]! += xj * x[k]!;
      }
    });
    for (let j = 0; j <= d; j += 1) {
      for (let k = 0; k < j; k += 1) hessian[j]![k] = hessian[k]![j]!;
      if (j > 0) {
        gradient[j]! += options.l2 * beta[j]!;
        hessian[j]![j]! += options.l2;
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.map((value, j) => value - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  return { features: names, mean, scale, weights: beta.slice(1), bias: beta[0]! };
}

/** The candidates of one question for listwise training: their feature vectors and which of them are right. */
export interface CandidateGroup {
  rows: number[][];
  correct: boolean[];
}

/**
 * Fits a conditional logit (softmax over each question's candidates) with an L2 penalty: it
 * maximises, question by question, the probability given to the right candidates among all of
 * that question's candidates. Unlike a logistic regression on single candidates, it learns only
 * what tells a question's right span from its neighbours (the ordering `ask` shows), so a hard
 * wrong sentence in the right paragraph counts as much as an easy one elsewhere. Newton steps with a
 * backtracking line search. The bias cancels in a softmax: 0.
 */
export function trainListwise(names: string[], groups: CandidateGroup[], options: TrainOptions): LinearModel {
  const d = names.length;
  const usable = groups.filter((group) => group.rows.length > 1 && group.correct.some(Boolean));
  if (usable.length === 0) throw new Error('no question with a right and a wrong candidate');
  const { mean, scale } = standardisation(d, usable.flatMap((group) => group.rows));
  const standardised = usable.map((group) => ({ rows: group.rows.map((row) => row.map((value, j) => (value - mean[j]!) / scale[j]!)), correct: group.correct }));

  const shares = (beta: number[], rows: number[][]) => softmax(rows.map((x) => x.reduce((sum, value, j) => sum + beta[j]! * value, 0)));
  const loss = (beta: number[]) => {
    let sum = 0.5 * options.l2 * beta.reduce((a, b) => a + b * b, 0);
    for (const group of standardised) {
      const p = shares(beta, group.rows);
      sum -= Math.log(Math.max(1e-300, p.reduce((a, value, i) => a + (group.correct[i] ? value : 0), 0)));
    }
    return sum;
  };

  let beta = new Array<number>(d).fill(0);
  let current = loss(beta);
  const zeros = () => Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let iteration = 0; iteration < (options.iterations ?? 50); iteration += 1) {
    const gradient = beta.map((value) => options.l2 * value);
    // The loss's curvature is the softmax's covariance less the right candidates' own (`rightCovariance`).
    const softmaxCovariance = zeros();
    const rightCovariance = zeros();
    for (const group of standardised) {
      const p = shares(beta, group.rows);
      const right = Math.max(1e-300, p.reduce((a, value, i) => a + (group.correct[i] ? value : 0), 0));
      const average = new Array<number>(d).fill(0);
      const rightAverage = new Array<number>(d).fill(0);
      group.rows.forEach((x, i) => {
        const pi = p[i]!;
        const q = group.correct[i] ? pi / right : 0;
        // A wrong candidate the model already rules out adds nothing measurable: most of them, after a few steps.
        if (pi < 1e-12 && q === 0) return;
        // d(-log right)/dz_i = p_i − q_i: the softmax's pull less the candidate's share of the right ones.
        for (let j = 0; j < d; j += 1) {
          const xj = x[j]!;
          gradient[j]! += (pi - q) * xj;
          average[j]! += pi * xj;
          const row = softmaxCovariance[j]!;
          for (let k = j; k < d; k += 1) row[k]! += pi * xj * x[k]!;
          if (q > 0) {
            rightAverage[j]! += q * xj;
            const rightRow = rightCovariance[j]!;
            for (let k = j; k < d; k += 1) rightRow[k]! += q * xj * x[k]!;
          }
        }
      });
      for (let j = 0; j < d; j += 1) {
        for (let k = j; k < d; k += 1) {
          softmaxCovariance[j]![k]! -= average[j]! * average[k]!;
          rightCovariance[j]![k]! -= rightAverage[j]! * rightAverage[k]!;
        }
      }
    }
    const curvature = (exact: boolean) =>
      softmaxCovariance.map((row, j) => row.map((_, k) => {
        const [a, b] = j <= k ? [j, k] : [k, j];
        return softmaxCovariance[a]![b]! - (exact ? rightCovariance[a]![b]! : 0) + (j === k ? options.l2 : 0);
      }));
    // Newton's step on the exact curvature; where the loss is not convex there (a question with
    // several right candidates), the softmax's covariance alone, which is positive definite.
    let step = solve(curvature(true), gradient);
    if (step.reduce((sum, value, j) => sum + value * gradient[j]!, 0) <= 0) step = solve(curvature(false), gradient);
    let size = 1;
    let next = beta.map((value, j) => value - step[j]!);
    let nextLoss = loss(next);
    while (nextLoss > current && size > 1e-4) {
      size /= 2;
      next = beta.map((value, j) => value - size * step[j]!);
      nextLoss = loss(next);
    }
    if (nextLoss > current) break;
    beta = next;
    current = nextLoss;
    if (size * Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return { features: names, mean, scale, weights: beta, bias: 0 };
}

/** Each feature's (weighted) mean and standard deviation over the rows; a constant feature is scaled by 1. */
function standardisation(d: number, rows: number[][], weightOf: (row: number) => number = () => 1): { mean: number[]; scale: number[] } {
  const totalWeight = rows.reduce((sum, _row, i) => sum + weightOf(i), 0);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  rows.forEach((row, i) => row.forEach((value, j) => (mean[j]! += (weightOf(i) * value) / totalWeight)));
  rows.forEach((row, i) => row.forEach((value, j) => (scale[j]! += (weightOf(i) * (value - mean[j]!) ** 2) / totalWeight)));
  for (let j = 0; j < d; j += 1) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]! || 1e-12;
    for (let row = col + 1; row < n; row += 1) {
      const factor = a[row]![col]! / p;
      if (factor === 0) continue;
      for (let k = col; k <= n; k += 1) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k += 1) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / (a[row]![row]! || 1e-12);
  }
  return x;
}
