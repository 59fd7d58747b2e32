// The one order in which a host looks up what a document names beyond the catalog: vramLens.models, the disk, then the Hub; and the files recipes name.
import type { ConfigObject } from '../core/configTree';
import type { ExternalModel } from '../core/modelNames';
import { HUB_ID, hubModel, type HubCache, type HubOptions } from './hub';
import { resolveLocalConfig, resolveLocalModel, type FileAccess } from './localModels';

/** Where relative names are looked up: each folder, climbing up to its root (the CLI also tries its working directory). */
export interface SearchPlaces {
  readonly files: FileAccess;
  readonly searches: readonly { readonly folder: string; readonly root: string | undefined }[];
}

/** What resolves names besides the disk: the user's mapping, and the Hub when the user allows it. */
export interface LookupSources {
  readonly user: ReadonlyMap<string, ExternalModel>;
  readonly hub?: { readonly options: HubOptions; readonly cache?: HubCache };
}

/** What was found: models by the name written, why a Hub lookup failed, the files recipes name as read. */
export interface Lookup {
  readonly models: Map<string, ExternalModel>;
  readonly failures: Map<string, string>;
  readonly attached: Map<string, ConfigObject>;
}

/** The first of `read` over the search places that finds something. */
async function firstFound<T>(places: SearchPlaces, read: (folder: string, root: string | undefined) => Promise<T | undefined>): Promise<T | undefined> {
  for (const { folder, root } of places.searches) {
    const found = await read(folder, root);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/**
 * Looks up `wanted` (lookupsFor's answer): for each model name, the user's mapping, then the disk — local first, so a
 * folder that exists is read even when the catalog knows the name — then, for names nothing resolved that are Hub
 * ids, the Hub; and each file a recipe names, on the disk. Never throws: a name that fails stays unknown.
 */
export async function lookUp(
  wanted: { readonly names: readonly string[]; readonly files: readonly string[]; readonly unresolved: ReadonlySet<string> },
  places: SearchPlaces,
  sources: LookupSources,
): Promise<Lookup> {
  const found: Lookup = { models: new Map(), failures: new Map(), attached: new Map() };
  for (const name of wanted.names) {
    try {
      const model = sources.user.get(name) ?? (await firstFound(places, (folder, root) => resolveLocalModel(places.files, name, folder, root)));
      if (model) {
        found.models.set(name, model);
      } else if (sources.hub && wanted.unresolved.has(name) && HUB_ID.test(name)) {
        const result = await hubModel(name, sources.hub.options, sources.hub.cache);
        if ('model' in result) {
          found.models.set(name, result.model);
        } else {
          found.failures.set(name, result.failure);
        }
      }
    } catch {
      // A host's file access that throws after all: the name stays unknown.
    }
  }
  for (const name of wanted.files) {
    const obj = await firstFound(places, (folder, root) => resolveLocalConfig(places.files, name, folder, root)).catch(() => undefined);
    if (obj) {
      found.attached.set(name, obj);
    }
  }
  return found;
}
