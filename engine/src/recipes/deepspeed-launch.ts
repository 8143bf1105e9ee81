// Launch files shared by the Axolotl and LLaMA-Factory recipes: DeepSpeed ZeRO-2/ZeRO-3 JSON configs in the
// Hugging Face Trainer integration's form ("auto" values filled from the training arguments, as in transformers'
// DeepSpeed docs and both projects' shipped examples) and a Slurm script that runs one torchrun per node.
import type { RecipeFile } from './recipe-files';

function zeroConfig(stage: 2 | 3): Record<string, unknown> {
  const zero: Record<string, unknown> = { stage, overlap_comm: true, contiguous_gradients: true, reduce_bucket_size: 'auto' };
  if (stage === 2) Object.assign(zero, { allgather_partitions: true, allgather_bucket_size: 5e8, reduce_scatter: true });
  else Object.assign(zero, { stage3_prefetch_bucket_size: 'auto', stage3_param_persistence_threshold: 'auto', stage3_gather_16bit_weights_on_model_save: true });
  return {
    zero_optimization: zero,
    bf16: { enabled: 'auto' },
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
  };
}

export function deepSpeedFiles(): RecipeFile[] {
  return [
    { path: 'deepspeed/zero2.json', content: `${JSON.stringify(zeroConfig(2), null, 2)}\n`, what: 'DeepSpeed ZeRO-2: optimizer state and gradients sharded across GPUs' },
    { path: 'deepspeed/zero3.json', content: `${JSON.stringify(zeroConfig(3), null, 2)}\n`, what: 'DeepSpeed ZeRO-3: weights sharded too, for full fine-tuning of 7B–70B models (the config\'s default when GPUs > 1)' },
  ];
}

/**
 * `slurm.sbatch`: one task per node, each running `perNode` with NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT and
 * GPUS_PER_NODE set (torchrun's and LLaMA-Factory's FORCE_TORCHRUN launcher's variables).
 */
export function slurmScript(gpus: number, nodes: number, engine: string, perNode: string): RecipeFile {
  return {
    path: 'slurm.sbatch',
    executable: true,
    what: `${nodes} node${nodes > 1 ? 's' : ''} × ${gpus} GPUs under Slurm: \`sbatch slurm.sbatch\``,
    content: [
      '#!/usr/bin/env bash',
      `#SBATCH --job-name=finetune-${engine}`,
      `#SBATCH --nodes=${nodes}`,
      '#SBATCH --ntasks-per-node=1',
      `#SBATCH --gpus-per-node=${gpus}`,
      '#SBATCH --exclusive',
      '#SBATCH --output=slurm-%x-%j.out',
      '# Submit from this folder (on a filesystem every node sees): sbatch slurm.sbatch',
      'set -euo pipefail',
      'cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")}"',
      `export GPUS_PER_NODE=${gpus}`,
      'export NNODES="${SLURM_NNODES}"',
      'export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
      'export MASTER_PORT="${MASTER_PORT:-29500}"',
      // Single quotes: SLURM_NODEID differs per node, so each task's own shell expands it.
      `srun --kill-on-bad-exit=1 bash -c 'export NODE_RANK="\${SLURM_NODEID}"; exec ${perNode}'`,
      '',
    ].join('\n'),
  };
}

/** The torchrun line for one node of a multi-node job (reads slurmScript's variables). */
export const TORCHRUN_PER_NODE = 'torchrun --nnodes "${NNODES}" --node_rank "${NODE_RANK}" --nproc_per_node "${GPUS_PER_NODE}" --rdzv_backend c10d --rdzv_endpoint "${MASTER_ADDR}:${MASTER_PORT}"';
