// Español: el mostrador de entrega de la farmacia.
import type { enPharmacy } from './en-pharmacy.ts';

export const esPharmacy: typeof enPharmacy = {
  title: 'Entrega de farmacia',
  intro:
    'Escanee la etiqueta o busque al paciente; compruebe la fecha de nacimiento antes de mostrar nada más.',
  fileMode:
    'Modo archivo: las entregas se registran aquí, pero no se avisa a Rx30. Márquelas también como entregadas en Rx30.',
  relayOff:
    'El enlace con Rx30 no está activo: las recetas listas en Rx30 no llegan. Configúrelo en Integraciones.',
  find: 'Buscar al paciente',
  label: 'Etiqueta de la receta',
  labelHint: 'Escanee la etiqueta, o escriba el número (600123-01) y pulse Intro.',
  lookUp: 'Buscar',
  lastName: 'Apellido (2 letras)',
  firstName: 'Nombre (2 letras)',
  dateOfBirth: 'Fecha de nacimiento',
  search: 'Buscar',
  readyCount_one: '{{count}} lista',
  readyCount_other: '{{count}} listas',
  patient: 'Paciente',
  verifyDob: 'Fecha de nacimiento, dicha por el paciente',
  verifyHint: 'Pregúntela; no la lea en voz alta.',
  verify: 'Comprobar',
  rx: 'Receta',
  drug: 'Medicamento',
  flags: 'Requiere',
  due: 'A pagar',
  consult: 'Consulta del farmacéutico',
  hipaa: 'Aviso HIPAA',
  schedule: 'C-{{schedule}}: identificación',
  total: 'Total {{total}} · elegible FSA/HSA {{fsa}}',
  queue: 'Listas para entregar',
  queueEmpty: 'No hay nada esperando entrega',
};
