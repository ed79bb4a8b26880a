import * as autodiff from "@descent/autodiff";
import * as nn from "@descent/nn";
import * as optimizers from "@descent/optimizers";
import { column, defineExperiment, findingOf } from "../experiment.js";

interface Milestone {
  readonly year: number;
  readonly who: string;
  readonly what: string;
  readonly source: string;
  /** The package and export of descent that implements the idea, checked at run time. */
  readonly implementation: readonly [packageName: string, exportName: string];
}

const milestones: readonly Milestone[] = [
  {
    year: 1847,
    who: "Augustin-Louis Cauchy",
    what: "gradient descent (method of steepest descent)",
    source:
      "Cauchy, “Méthode générale pour la résolution des systèmes d’équations simultanées”, Comptes Rendus 25:536–538",
    implementation: ["@descent/optimizers", "sgd"],
  },
  {
    year: 1951,
    who: "Herbert Robbins, Sutton Monro",
    what: "stochastic approximation: the root of stochastic gradient descent",
    source: "Robbins & Monro, “A Stochastic Approximation Method”, Ann. Math. Statist. 22(3):400–407",
    implementation: ["@descent/nn", "fit"],
  },
  {
    year: 1964,
    who: "Boris Polyak",
    what: "heavy-ball momentum",
    source:
      "Polyak, “Some methods of speeding up the convergence of iteration methods”, USSR Comp. Math. & Math. Phys. 4(5):1–17",
    implementation: ["@descent/optimizers", "momentum"],
  },
  {
    year: 1970,
    who: "Seppo Linnainmaa",
    what: "reverse-mode automatic differentiation (backpropagation of errors through any computation)",
    source: "Linnainmaa, master’s thesis, University of Helsinki (1970); BIT 16:146–160 (1976)",
    implementation: ["@descent/autodiff", "valueAndGrad"],
  },
  {
    year: 1974,
    who: "Paul Werbos",
    what: "backpropagation proposed for training neural networks",
    source: "Werbos, “Beyond Regression”, PhD thesis, Harvard University",
    implementation: ["@descent/autodiff", "grad"],
  },
  {
    year: 1983,
    who: "Yurii Nesterov",
    what: "accelerated gradient (Nesterov momentum)",
    source:
      "Nesterov, “A method for solving the convex programming problem with convergence rate O(1/k²)”, Soviet Math. Dokl. 27:372–376",
    implementation: ["@descent/optimizers", "nesterov"],
  },
  {
    year: 1986,
    who: "David Rumelhart, Geoffrey Hinton, Ronald Williams",
    what: "backpropagation popularised: hidden layers learn representations",
    source:
      "Rumelhart, Hinton & Williams, “Learning representations by back-propagating errors”, Nature 323:533–536",
    implementation: ["@descent/nn", "sequential"],
  },
  {
    year: 1989,
    who: "Yann LeCun et al.",
    what: "backpropagation trains a convolutional network on handwritten digits",
    source:
      "LeCun et al., “Backpropagation Applied to Handwritten Zip Code Recognition”, Neural Computation 1(4):541–551",
    implementation: ["@descent/nn", "conv2d"],
  },
  {
    year: 1989,
    who: "Dong C. Liu, Jorge Nocedal",
    what: "L-BFGS: quasi-Newton optimisation with limited memory",
    source:
      "Liu & Nocedal, “On the limited memory BFGS method for large scale optimization”, Math. Programming 45:503–528",
    implementation: ["@descent/optimizers", "lbfgs"],
  },
  {
    year: 2011,
    who: "John Duchi, Elad Hazan, Yoram Singer",
    what: "AdaGrad: per-parameter adaptive learning rates",
    source:
      "Duchi, Hazan & Singer, “Adaptive Subgradient Methods for Online Learning and Stochastic Optimization”, JMLR 12:2121–2159",
    implementation: ["@descent/optimizers", "adagrad"],
  },
  {
    year: 2012,
    who: "Geoffrey Hinton (with Nitish Srivastava, Kevin Swersky)",
    what: "RMSProp",
    source: "Hinton, Neural Networks for Machine Learning, Coursera lecture 6e",
    implementation: ["@descent/optimizers", "rmsprop"],
  },
  {
    year: 2014,
    who: "Diederik Kingma, Jimmy Ba",
    what: "Adam: adaptive moment estimation",
    source: "Kingma & Ba, “Adam: A Method for Stochastic Optimization”, arXiv:1412.6980 (ICLR 2015)",
    implementation: ["@descent/optimizers", "adam"],
  },
  {
    year: 2017,
    who: "Ilya Loshchilov, Frank Hutter",
    what: "decoupled weight decay (AdamW)",
    source: "Loshchilov & Hutter, “Decoupled Weight Decay Regularization”, arXiv:1711.05101 (ICLR 2019)",
    implementation: ["@descent/optimizers", "adamw"],
  },
  {
    year: 2023,
    who: "Xiangning Chen et al.",
    what: "Lion: an optimizer found by program search",
    source: "Chen et al., “Symbolic Discovery of Optimization Algorithms”, arXiv:2302.06675",
    implementation: ["@descent/optimizers", "lion"],
  },
];

const packages: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "@descent/autodiff": autodiff,
  "@descent/nn": nn,
  "@descent/optimizers": optimizers,
};

function implemented([packageName, exportName]: Milestone["implementation"]): boolean {
  return typeof packages[packageName]?.[exportName] === "function";
}

/** `history`: milestones of backpropagation and gradient descent, each checked against descent's exports. */
export const history = defineExperiment({
  id: "history",
  title: "History of backpropagation and gradient descent",
  question: "When did gradient descent and backpropagation appear, and are they one idea or two?",
  settings: { tiny: {}, quick: {}, full: {} },
  // Estimated seconds on 2 cores (tiny: measured; quick and full: estimates), for balancing --shard.
  cost: { tiny: 0.01, quick: 0.01, full: 0.01 },
  async run(_settings, context) {
    const rows = milestones.map((milestone) => [
      milestone.year,
      milestone.who,
      milestone.what,
      milestone.source,
      `${milestone.implementation[0]} ${milestone.implementation[1]}`,
      implemented(milestone.implementation),
    ]);
    context.progress(1);
    const yearOf = (fragment: string) =>
      milestones.find((milestone) => milestone.what.includes(fragment))?.year ?? Number.NaN;
    const gradientDescent = yearOf("gradient descent (method");
    const reverseMode = yearOf("reverse-mode");
    const popularised = yearOf("popularised");
    const present = rows.filter((row) => row[5] === true).length;
    return {
      columns: [
        column("year"),
        column("who"),
        column("what"),
        column("source"),
        column("in descent"),
        column("implemented"),
      ],
      rows,
      ...findingOf([
        `Gradient descent (${gradientDescent}) is ${reverseMode - gradientDescent} years older than reverse-mode differentiation (${reverseMode}), ` +
          `which was used for networks widely only from ${popularised}: two separate ideas, as the article says.`,
        `${present} of ${rows.length} milestones are implemented in this build of descent.`,
      ]),
      plots: [],
    };
  },
});
