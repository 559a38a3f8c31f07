// Español: C's: disposition kinds, dates, corrections (part of es-firearms.ts, under firearms.disposal). Same keys as en-disposal.ts.
import type { enDisposal } from './en-disposal.ts';

export const esDisposal: typeof enDisposal = {
  handedOverOn: 'Fecha de entrega',
  handedOverHint:
    'El día en que el arma salió de la tienda. Si se anota tarde, conserva la fecha real (y figura como anotación tardía).',
  commitNow: 'Ya salió de la tienda: confirmar ahora',
  commitTitle: 'Entregar y confirmar',
  commitSubmit: 'Confirmar',
  filedNumericallyHint:
    'Esta tienda archiva sus formularios 4473 por número: el nombre y la dirección pueden omitirse, el número del 4473 los sustituye.',
  labels: {
    form4473: 'Número del formulario 4473',
    transfereeName: 'Nombre',
    transfereeAddress: 'Dirección',
    transfereeFfl: 'Número de FFL',
    buyerKey: 'Ficha del comprador (número de identificación)',
    checkId: 'Número de la verificación de antecedentes',
    atfIncident: 'Número de incidente de la ATF',
    destructionMethod: 'Cómo se destruyó',
    exemptionBasis: 'Por qué la transferencia está exenta',
    officerName: 'Nombre del agente',
    officerBadge: 'Número de placa',
  },
  kindLabels: {
    non_licensee: {
      transfereeName: 'Nombre del comprador',
      transfereeAddress: 'Dirección del comprador',
    },
    licensee: {
      transfereeName: 'Nombre del titular de licencia',
      transfereeFfl: 'Número de FFL del titular',
    },
    destroyed: { transfereeName: 'Destruida por (nombre)' },
    returned_to_source: {
      transfereeName: 'Nombre del proveedor',
      transfereeAddress: 'Dirección del proveedor',
      transfereeFfl: 'O su número de FFL',
    },
    law_enforcement: {
      transfereeName: 'Nombre de la agencia',
      transfereeAddress: 'Dirección de la agencia',
    },
    loan_out: { transfereeName: 'Prestada a (nombre)', transfereeAddress: 'Su dirección' },
    exempt: { transfereeName: 'Transferida a (nombre)', transfereeAddress: 'Su dirección' },
  },
  required: {
    form4473: 'Escriba el número del formulario 4473.',
    transfereeName: 'Escriba el nombre.',
    transfereeAddress: 'Escriba la dirección.',
    transfereeFfl: 'Escriba el número de FFL.',
    buyerKey: 'Escriba la ficha del comprador.',
    checkId: 'Escriba el número de la verificación.',
    atfIncident: 'Escriba el número de incidente de la ATF.',
    destructionMethod: 'Indique cómo se destruyó.',
    exemptionBasis: 'Indique por qué la transferencia está exenta.',
    officerName: 'Escriba el nombre del agente.',
    officerBadge: 'Escriba el número de placa.',
    addressOrFfl: 'Escriba la dirección del proveedor, o su número de FFL si tiene licencia.',
  },
  fflFormat: 'Un número de FFL tiene la forma 9-86-123-01-7K-12345.',
  dateRequired: 'Escriba la fecha de entrega.',
  dateFuture: 'La fecha de entrega no puede ser posterior a hoy ({{today}}).',
  view: {
    label: 'Qué disposiciones mostrar',
    original: 'Tal como se anotaron',
    corrected: 'Con las correcciones',
    both: 'Ambas',
  },
  correct: {
    open: 'Corregir disposición',
    title: 'Corregir la disposición {{id}}',
    hint: 'La disposición como se anotó sigue en el libro; esta corrección se añade a su lado.',
    submit: 'Anotar corrección',
    done: 'Corrección anotada. La disposición como se anotó sigue en el libro.',
  },
  history: {
    correction: 'Corrección de la disposición {{of}}',
    committed: 'Confirmada el {{at}} por {{by}}',
    corrected: 'Corrección anotada el {{at}} por {{by}}',
    handedOver: 'Entregada el {{date}}',
  },
  storeSetting: {
    label: 'Los formularios 4473 se numeran y se archivan por número',
    hint: 'Así una venta puede anotar el número del 4473 en lugar del nombre y la dirección del comprador (27 CFR 478.125(e)).',
  },
};
