// Which adapter onnxruntime's bundled WebGPU provider (Dawn) would run on, without creating one: ORT does not report
// the adapter, and `auto` must never train on a software one (SwiftShader, llvmpipe) by surprise. On Linux Dawn goes
// through the Vulkan loader, so the installed Vulkan drivers (ICD manifests) tell, each counted only when a display
// controller of its vendor is on the PCI bus (Debian's mesa-vulkan-drivers installs Intel and AMD drivers on machines
// with neither); Windows (D3D12) and macOS (Metal) expose hardware adapters to Dawn's default request.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface VulkanDriver {
  /** Manifest file (icd.d JSON). */
  manifest: string;
  /** A readable name: "NVIDIA", "SwiftShader (software)"… */
  name: string;
  software: boolean;
  /** PCI vendor id of the hardware it drives ('wsl' for WSL's bridge), when known. */
  vendor?: string;
}

const NVIDIA = '0x10de';
const WSL = 'wsl';

export interface WebGpuAdapterGuess {
  /** 'hardware': a GPU driver is installed; 'software': only CPU rasterisers; 'none': no driver at all. */
  kind: 'hardware' | 'software' | 'none';
  /** For messages: "Vulkan: NVIDIA", "Vulkan: SwiftShader (software)", "D3D12", "Metal". */
  description: string;
  drivers: VulkanDriver[];
}

/** Driver libraries by file-name fragment; the software ones rasterise on the CPU. */
const KNOWN_DRIVERS: { fragment: string; name: string; software: boolean; vendor?: string }[] = [
  { fragment: 'swiftshader', name: 'SwiftShader (software)', software: true },
  { fragment: 'vulkan_lvp', name: 'llvmpipe (software)', software: true },
  { fragment: 'nvidia', name: 'NVIDIA', software: false, vendor: NVIDIA },
  { fragment: 'vulkan_radeon', name: 'AMD (RADV)', software: false, vendor: '0x1002' },
  { fragment: 'amdvlk', name: 'AMD (AMDVLK)', software: false, vendor: '0x1002' },
  { fragment: 'vulkan_intel', name: 'Intel (ANV)', software: false, vendor: '0x8086' },
  { fragment: 'vulkan_dzn', name: 'Direct3D 12 (WSL)', software: false, vendor: WSL },
];

export function classifyDriver(manifest: string, libraryPath: string): VulkanDriver {
  const library = basename(libraryPath).toLowerCase();
  const known = KNOWN_DRIVERS.find((driver) => library.includes(driver.fragment));
  return { manifest, name: known?.name ?? basename(libraryPath), software: known?.software ?? false, ...(known?.vendor ? { vendor: known.vendor } : {}) };
}

/**
 * PCI vendor ids of the display controllers on this machine (class 0x03…), plus NVIDIA when its driver lists a GPU
 * (a VM may hide the bus) and 'wsl' under WSL's GPU bridge. Unreadable sysfs gives an empty set.
 */
export function displayVendors(root = '/'): Set<string> {
  const vendors = new Set<string>();
  const bus = join(root, 'sys/bus/pci/devices');
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8').trim().toLowerCase();
    } catch {
      return '';
    }
  };
  let devices: string[] = [];
  try {
    devices = readdirSync(bus);
  } catch {
    // no PCI bus visible
  }
  for (const device of devices) if (read(join(bus, device, 'class')).startsWith('0x03')) vendors.add(read(join(bus, device, 'vendor')));
  if (existsSync(join(root, 'dev/nvidia0')) || existsSync(join(root, 'proc/driver/nvidia/gpus'))) vendors.add(NVIDIA);
  if (existsSync(join(root, 'dev/dxg'))) vendors.add(WSL);
  return vendors;
}

/** The manifest files the Vulkan loader reads, in its order: the override variables, else the standard folders. */
export function vulkanManifests(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? '').split(':').filter(Boolean);
  const added = (env.VK_ADD_DRIVER_FILES ?? '').split(':').filter(Boolean);
  const expand = (path: string): string[] => (isDirectory(path) ? jsonFilesIn(path) : [path]);
  if (listed.length > 0) return [...listed, ...added].flatMap(expand);
  const home = homedir();
  const configDirs = [env.XDG_CONFIG_HOME ?? join(home, '.config'), ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':'), '/etc'];
  const dataDirs = [env.XDG_DATA_HOME ?? join(home, '.local/share'), ...(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':')];
  const folders = [...configDirs, ...dataDirs].filter(Boolean).map((dir) => join(dir, 'vulkan', 'icd.d'));
  return [...added.flatMap(expand), ...[...new Set(folders)].flatMap(jsonFilesIn)];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function jsonFilesIn(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/** The drivers the manifests name; unreadable or malformed manifests are skipped (the loader skips them too). */
export function vulkanDrivers(env: NodeJS.ProcessEnv = process.env): VulkanDriver[] {
  const drivers: VulkanDriver[] = [];
  for (const manifest of vulkanManifests(env)) {
    try {
      if (!statSync(manifest).isFile()) continue;
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: unknown } };
      const libraryPath = parsed.ICD?.library_path;
      if (typeof libraryPath === 'string' && libraryPath.length > 0) drivers.push(classifyDriver(manifest, libraryPath));
    } catch {
      // Not a driver manifest we can read: the loader ignores it as well.
    }
  }
  return drivers;
}

export function guessWebGpuAdapter(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, vendors: ReadonlySet<string> = displayVendors()): WebGpuAdapterGuess {
  if (platform === 'win32') return { kind: 'hardware', description: 'D3D12', drivers: [] };
  if (platform === 'darwin') return { kind: 'hardware', description: 'Metal', drivers: [] };
  const all = vulkanDrivers(env);
  // A GPU driver without its GPU finds no device: it does not count (a driver of an unknown vendor is given the benefit).
  const drivers = all.filter((driver) => driver.software || driver.vendor === undefined || vendors.has(driver.vendor));
  const hardware = drivers.filter((driver) => !driver.software);
  // Dawn asks for a high-performance adapter, so a GPU wins over a software rasteriser when both are installed.
  const chosen = hardware.length > 0 ? hardware : drivers;
  if (chosen.length === 0) return { kind: 'none', description: 'no Vulkan driver', drivers };
  const names = [...new Set(chosen.map((driver) => driver.name))].join(' or ');
  return { kind: hardware.length > 0 ? 'hardware' : 'software', description: `Vulkan: ${names}`, drivers };
}

/** Debian's chromium package ships SwiftShader, a Vulkan driver on the CPU: WebGPU without a GPU (tests, benches). */
export const SWIFTSHADER_MANIFESTS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib64/chromium/vk_swiftshader_icd.json'];

export function findSwiftShader(): string | undefined {
  return SWIFTSHADER_MANIFESTS.find((path) => existsSync(path));
}

const VULKAN_LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/**
 * Points this process's Vulkan loader at SwiftShader (before the first WebGPU session), so `--device webgpu` runs on
 * a machine without a GPU. Throws with the install command when Debian's packages are missing.
 */
export function useSwiftShader(env: NodeJS.ProcessEnv = process.env): string {
  const manifest = findSwiftShader();
  const loader = VULKAN_LOADER_DIRS.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
  if (!manifest || !loader) throw new Error(`WebGPU on the CPU needs Debian's SwiftShader and Vulkan loader: apt-get install -y chromium libvulkan1`);
  env.VK_ICD_FILENAMES = manifest;
  delete env.VK_DRIVER_FILES;
  // Dawn's Vulkan backend wants a runtime directory; a CI container often has none.
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = join(tmpdir(), `finetune-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return manifest;
}
