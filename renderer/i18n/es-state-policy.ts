// Español: D's: the state rules in force and where they come from (part of es-firearms.ts, under firearms.statePolicy). Same keys as en-state-policy.ts.
import type { enStatePolicy } from './en-state-policy.ts';

export const esStatePolicy: typeof enStatePolicy = {
  title: 'Reglas vigentes',
  hint: 'Las reglas de verificación de antecedentes que siguen hoy el mostrador de verificaciones y la entrega para el estado de la tienda, y de dónde viene cada una.',
  noState:
    'El estado de la tienda no está indicado, así que la aplicación no sabe qué reglas estatales aplican. Indíquelo en Integraciones → Tienda.',
  setState: 'Indicar el estado de la tienda',
  forState: 'Para {{state}} el {{date}}',
  dataVersion:
    'Datos de reglas incluidos del {{effective}}, comprobados con sus fuentes el {{checkedOn}}.',
  assumption: 'supuesto',
  assumptionHint:
    'Ninguna fuente comprobada respalda este valor: es un valor prudente por defecto. Si la ley de su estado dice otra cosa, registre la regla de su estado con su fuente.',
  yourRule: 'su regla',
  recordRule: 'Registrar la regla de su estado',
  recordRuleHint:
    'Una regla que usted registre (con su fuente) sustituye los valores incluidos que cubre.',
  shippedOnly:
    'Aún no hay una regla registrada para este estado: aplican las reglas incluidas de arriba, supuestos incluidos.',
  rule: {
    route: 'Quién hace la verificación',
    defaultProceed: 'Verificación demorada',
    override: 'Liberación de una retención por un supervisor',
    qualifyingPermits: 'Permisos en lugar de una verificación',
    form3310_12: 'Informe de venta múltiple de rifles (ATF 3310.12)',
    multipleSale: 'Informe de venta múltiple de armas cortas (ATF 3310.4)',
  },
  route: {
    federal_nics: 'FBI NICS, para toda arma de fuego',
    full_poc: 'El estado (punto de contacto), para toda arma de fuego',
    partial_poc_handguns: 'El estado para armas cortas, FBI NICS para armas largas',
    partial_poc_permits: 'Un permiso estatal para armas cortas, FBI NICS para armas largas',
  },
  defaultProceed: {
    allowed:
      'Puede proceder por defecto cuando pasan {{days}} días hábiles sin respuesta (hasta {{under21}} para un comprador menor de 21 años con investigación adicional)',
    held: 'Retenida hasta la respuesta final: no procede por defecto tras {{days}} días hábiles',
  },
  override: {
    allowed: 'Un supervisor puede liberar una verificación demorada retenida, con un motivo',
    refused: 'No se permite',
  },
  permits: {
    none: 'Ninguno: haga una verificación',
    some: 'Se aceptan (expedidos hace 5 años o menos): {{permits}}',
  },
  form3310_12: {
    applies:
      'Aplica: dos o más rifles semiautomáticos de calibre mayor que .22 con cargador extraíble',
    notApplies: 'No aplica en este estado',
  },
  multipleSale: {
    window: 'Dos o más ({{types}}) a un mismo comprador en {{days}} días hábiles',
  },
  origin: {
    shipped: 'De {{sources}}; comprobado el {{checkedOn}}',
    shippedNoSource: 'Datos incluidos, comprobados el {{checkedOn}}',
    store: 'Su regla desde el {{effective}}, registrada por {{who}} el {{when}}: {{source}}',
  },
  why: {
    state_law_not_checked: 'La ley federal lo permite; no se comprobó la ley propia de su estado.',
    poc_state_law:
      'Su estado hace la verificación según su propia ley, que a menudo prohíbe o alarga el proceder por defecto: se retiene por prudencia.',
    no_source_allows_override:
      'Ninguna fuente comprobada dice que su estado lo permita: no se permite por prudencia.',
    permit_chart_entry_not_read:
      'No se leyó la entrada de su estado en la tabla de permisos de la ATF: no se acepta ningún permiso hasta que usted la registre.',
    permit_chart_revised:
      'La ATF revisó la tabla de permisos después de la incluida: no se incluyen los permisos que añadió.',
    not_from_chart: 'No se tomó de la tabla de permisos de la ATF: no se acepta ningún permiso.',
    sources_disagree:
      'Las fuentes no coinciden para su estado; la nota explica cómo se interpretaron.',
  },
  typeNames: {
    pistol: 'pistola',
    revolver: 'revólver',
    rifle: 'fusil',
    shotgun: 'escopeta',
    frame: 'armazón',
    receiver: 'receptor',
    'pistol grip firearm': 'arma con empuñadura de pistola',
    silencer: 'silenciador',
    'any other weapon': 'cualquier otra arma',
    other: 'otra',
  },
};
