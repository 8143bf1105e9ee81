// Multi-GPU and multi-node launch files for the TRL recipe: Accelerate configs for DDP, DeepSpeed ZeRO-2/ZeRO-3 and
// FSDP (the shape of TRL 1.13's own trl/accelerate_configs/*.yaml, which `accelerate launch --config_file` reads),
// `launch.sh` for one node and `slurm.sbatch` for M nodes. `trl sft` (`trl dpo` for a dpo run) hands arguments its parser does not know
// (--accelerate_config, --num_processes, --num_machines, …) to `accelerate launch` (trl/cli/commands/training.py).
import { distributedBatch, type RecipeFile } from './recipe-files';
import type { RecipeRun } from './recipe-run';
import { trlScript } from './trl';
import { toYaml, type YamlValue } from './yaml';

export const STRATEGIES = ['ddp', 'zero2', 'zero3', 'fsdp'] as const;

function accelerateConfig(strategy: (typeof STRATEGIES)[number], gpus: number): Record<string, YamlValue> {
  const common: Record<string, YamlValue> = {
    compute_environment: 'LOCAL_MACHINE',
    debug: false,
    downcast_bf16: 'no',
    machine_rank: 0,
    main_training_function: 'main',
    mixed_precision: 'bf16',
    num_machines: 1,
    num_processes: gpus,
    rdzv_backend: 'static',
    same_network: true,
    tpu_env: [],
    tpu_use_cluster: false,
    tpu_use_sudo: false,
    use_cpu: false,
  };
  switch (strategy) {
    case 'ddp':
      return { ...common, distributed_type: 'MULTI_GPU', gpu_ids: 'all' };
    case 'zero2':
    case 'zero3':
      return {
        ...common,
        distributed_type: 'DEEPSPEED',
        deepspeed_config: {
          deepspeed_multinode_launcher: 'standard',
          offload_optimizer_device: 'none',
          offload_param_device: 'none',
          zero3_init_flag: strategy === 'zero3',
          ...(strategy === 'zero3' ? { zero3_save_16bit_model: true } : {}),
          zero_stage: strategy === 'zero3' ? 3 : 2,
        },
      };
    case 'fsdp':
      // FSDP2 (Accelerate ≥ 1.7): shards parameters, gradients and optimizer state per transformer block.
      return {
        ...common,
        distributed_type: 'FSDP',
        enable_cpu_affinity: false,
        fsdp_config: {
          fsdp_activation_checkpointing: false,
          fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
          fsdp_cpu_ram_efficient_loading: true,
          fsdp_offload_params: false,
          fsdp_reshard_after_forward: true,
          fsdp_state_dict_type: 'FULL_STATE_DICT',
          fsdp_version: 2,
        },
      };
  }
}

const STRATEGY_NOTES: Record<(typeof STRATEGIES)[number], string> = {
  ddp: 'one full copy of the model per GPU (DDP): the fastest when the model and its optimizer state fit one GPU (LoRA up to ~13B on 80 GB)',
  zero2: 'DeepSpeed ZeRO-2: optimizer state and gradients sharded across GPUs',
  zero3: 'DeepSpeed ZeRO-3: weights sharded too: full fine-tuning of 7B–70B models',
  fsdp: 'PyTorch FSDP2: weights, gradients and optimizer state sharded per transformer block',
};

/** Training-script arguments that keep the run's global batch on `worldSize` processes and turn on bf16 for GPUs. */
function batchArguments(run: RecipeRun, worldSize: number): { flags: string; note: string } {
  const batch = distributedBatch(run.args.batchSize, run.args.gradAccumulation, worldSize);
  const note = batch.keepsGlobalBatch
    ? `per-device batch ${batch.perDevice} × accumulation ${batch.accumulation} × ${worldSize} processes = the run's global batch of ${run.args.batchSize * run.args.gradAccumulation}`
    : `the run's global batch (${run.args.batchSize * run.args.gradAccumulation}) does not divide by ${worldSize} processes: each keeps batch ${batch.perDevice} × accumulation ${batch.accumulation}, so a step sees ${worldSize}× more sequences (consider scaling the learning rate)`;
  return { flags: `--per_device_train_batch_size ${batch.perDevice} --gradient_accumulation_steps ${batch.accumulation} --bf16 true`, note };
}

export function launchFiles(run: RecipeRun, gpus: number, nodes: number): RecipeFile[] {
  const { command, config } = trlScript(run);
  const trl = `trl ${command} --config ${config}`;
  const files: RecipeFile[] = STRATEGIES.map((strategy) => ({
    path: `accelerate/${strategy}.yaml`,
    content: toYaml(accelerateConfig(strategy, gpus), [`Accelerate config: ${STRATEGY_NOTES[strategy]}.`]),
    what: `Accelerate config, ${STRATEGY_NOTES[strategy]}`,
  }));
  const single = batchArguments(run, gpus);
  files.push({
    path: 'launch.sh',
    executable: true,
    what: `one node with ${gpus} GPUs: \`./launch.sh zero3\` (strategy ddp, zero2, zero3 or fsdp; default ddp)`,
    content: [
      '#!/usr/bin/env bash',
      `# One node, ${gpus} GPUs: ./launch.sh [ddp|zero2|zero3|fsdp]   (strategy default: ddp; GPUS=… to override the count)`,
      `# Batch: ${single.note}.`,
      'set -euo pipefail',
      'cd "$(dirname "$0")"',
      'STRATEGY="${1:-ddp}"',
      `GPUS="\${GPUS:-${gpus}}"`,
      `exec ${trl} --accelerate_config "accelerate/\${STRATEGY}.yaml" --num_processes "\${GPUS}" ${single.flags}`,
      '',
    ].join('\n'),
  });
  const world = gpus * nodes;
  const multi = batchArguments(run, world);
  files.push({
    path: 'slurm.sbatch',
    executable: true,
    what: `${nodes} node${nodes > 1 ? 's' : ''} × ${gpus} GPUs under Slurm: \`sbatch slurm.sbatch\` (STRATEGY=zero3 by default)`,
    content: [
      '#!/usr/bin/env bash',
      `#SBATCH --job-name=finetune-recipe`,
      `#SBATCH --nodes=${nodes}`,
      '#SBATCH --ntasks-per-node=1',
      `#SBATCH --gpus-per-node=${gpus}`,
      '#SBATCH --exclusive',
      '#SBATCH --output=slurm-%x-%j.out',
      `# ${nodes} nodes × ${gpus} GPUs: one \`trl ${command}\` per node, which starts one process per GPU through accelerate.`,
      `# Batch: ${multi.note}.`,
      '# Submit from this folder (on a filesystem every node sees): sbatch slurm.sbatch   (STRATEGY=ddp|zero2|zero3|fsdp)',
      'set -euo pipefail',
      'cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")}"',
      'export STRATEGY="${STRATEGY:-zero3}"',
      `export GPUS_PER_NODE=${gpus}`,
      'export MAIN_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
      'export MAIN_PORT="${MAIN_PORT:-29500}"',
      // Single quotes: SLURM_NODEID differs per node, so it is expanded by each task's own shell.
      `srun --kill-on-bad-exit=1 bash -c 'exec ${trl} --accelerate_config "accelerate/\${STRATEGY}.yaml" \\`,
      `  --num_machines "\${SLURM_NNODES}" --num_processes "$((SLURM_NNODES * GPUS_PER_NODE))" --machine_rank "\${SLURM_NODEID}" \\`,
      `  --main_process_ip "\${MAIN_ADDR}" --main_process_port "\${MAIN_PORT}" --rdzv_backend c10d ${multi.flags}'`,
      '',
    ].join('\n'),
  });
  return files;
}
