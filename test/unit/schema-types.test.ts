// The domain's input types and the request schemas that admit them say the same thing: a
// field added to one but not the other fails the type check (tsc covers test/), not a request.
import { describe, expectTypeOf, it } from 'vitest';
import type { SourceInput } from '../../src-main/core/config-ops';
import type { DestinationInput } from '../../src-main/core/destination-types';
import type { fromArmorNotification } from '../../src-main/core/destinations';
import type { RuleInput } from '../../src-main/core/rule-types';
import type { CatalogInput, DefinitionInput, FilterInput } from '../../src-main/core/signals/config-ops';
import type { FlapSettings } from '../../src-main/core/signals/types';
import type { TransformBody } from '../../src-main/core/transform/types';
import type { RetentionPolicy } from '../../src-main/store/types';
import type { Static } from '../../src-main/schemas/builders';
import type * as destinations from '../../src-main/schemas/destinations';
import type * as management from '../../src-main/schemas/management';
import type * as rules from '../../src-main/schemas/rules';
import type * as settings from '../../src-main/schemas/settings';
import type * as signals from '../../src-main/schemas/signals';
import type * as transform from '../../src-main/schemas/transform';

describe('request schemas and domain input types', () => {
  it('a create body is exactly the input its core function takes', () => {
    expectTypeOf<Static<typeof signals.definitionCreateSchema>>().toEqualTypeOf<DefinitionInput>();
    expectTypeOf<Static<typeof signals.definitionUpdateSchema>>().toEqualTypeOf<Partial<DefinitionInput>>();
    expectTypeOf<Static<typeof signals.filterCreateSchema>>().toEqualTypeOf<FilterInput>();
    expectTypeOf<Static<typeof signals.catalogCreateSchema>>().toEqualTypeOf<CatalogInput>();
    expectTypeOf<Static<typeof signals.flapSettingsSchema>>().toEqualTypeOf<FlapSettings>();
    expectTypeOf<Static<typeof destinations.destinationCreateSchema>>().toEqualTypeOf<DestinationInput>();
    expectTypeOf<Static<typeof destinations.destinationUpdateSchema>>().toEqualTypeOf<Partial<DestinationInput>>();
    expectTypeOf<Static<typeof destinations.armorNotificationSchema>>().toEqualTypeOf<Parameters<typeof fromArmorNotification>[0]>();
    expectTypeOf<Static<typeof rules.ruleCreateSchema>>().toEqualTypeOf<RuleInput>();
    expectTypeOf<Static<typeof rules.ruleUpdateSchema>>().toEqualTypeOf<Partial<RuleInput>>();
    expectTypeOf<Static<typeof management.sourceCreateSchema>>().toEqualTypeOf<SourceInput>();
    expectTypeOf<Static<typeof transform.transformBodySchema>>().toEqualTypeOf<TransformBody>();
    expectTypeOf<Static<typeof settings.retentionSchema>>().toEqualTypeOf<RetentionPolicy>();
  });
});
